package io.fulcrum.dataplane.balance;

/** A small, stable 64-bit hash (FNV-1a then a murmur3 finalizer) that gives the same value on every node. */
final class Hashing {
    static final long CLIENT_SEED = 0x9E3779B97F4A7C15L;
    static final long OFFSET_SEED = 0xC2B2AE3D27D4EB4FL;
    static final long SKIP_SEED = 0x165667B19E3779F9L;

    private Hashing() {
    }

    static long hash(byte[] data, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : data) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return fmix64(h);
    }

    private static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93fe53a87b5L;
        k ^= k >>> 33;
        return k;
    }
}
