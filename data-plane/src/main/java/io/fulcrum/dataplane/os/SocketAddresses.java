package io.fulcrum.dataplane.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** sockaddr_in and sockaddr_in6 in native memory (Linux layout: family in host order, port in network order). */
public final class SocketAddresses {
    /** Room for either form. */
    public static final int MAX_SIZE = 28;
    private static final ValueLayout.OfShort NETWORK_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NETWORK_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong NETWORK_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {
    }

    /** Writes {@code address:port} at {@code offset}; returns its size (16 or 28). */
    public static int write(MemorySegment memory, long offset, InetAddress address, int port) {
        byte[] raw = address.getAddress();
        if (raw.length == 4) {
            return write(memory, offset, false, 0, bits(raw, 0, 4), 0, port);
        }
        return write(memory, offset, true, bits(raw, 0, 8), bits(raw, 8, 8), ((Inet6Address) address).getScopeId(), port);
    }

    /**
     * Writes the address with these raw bits ({@link #highBits}, {@link #lowBits}, an IPv6 scope id) and
     * {@code port} at {@code offset}; returns its size (16 or 28).
     */
    public static int write(MemorySegment memory, long offset, boolean v6, long high, long low, int scopeId, int port) {
        memory.set(NETWORK_SHORT, offset + 2, (short) port);
        if (!v6) {
            memory.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) SocketCalls.AF_INET);
            memory.set(NETWORK_INT, offset + 4, (int) low);
            memory.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, 0L);
            return 16;
        }
        memory.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) SocketCalls.AF_INET6);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 4, 0);
        memory.set(NETWORK_LONG, offset + 8, high);
        memory.set(NETWORK_LONG, offset + 16, low);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 24, scopeId);
        return 28;
    }

    /** The address of the sockaddr at {@code offset}. */
    public static InetAddress address(MemorySegment memory, long offset) {
        return address(isV6(memory, offset), highBits(memory, offset), lowBits(memory, offset), 0);
    }

    /** The address with these raw bits (an IPv6 scope id of 0: none). */
    public static InetAddress address(boolean v6, long high, long low, int scopeId) {
        byte[] raw = new byte[v6 ? 16 : 4];
        if (v6) {
            putBits(raw, 0, high, 8);
            putBits(raw, 8, low, 8);
        } else {
            putBits(raw, 0, low, 4);
        }
        try {
            return v6 && scopeId != 0 ? Inet6Address.getByAddress(null, raw, scopeId) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }

    public static boolean isV6(MemorySegment memory, long offset) {
        return memory.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) == SocketCalls.AF_INET6;
    }

    /** IPv6: the first 8 bytes of the address, as one number; IPv4: 0. */
    public static long highBits(MemorySegment memory, long offset) {
        return isV6(memory, offset) ? memory.get(NETWORK_LONG, offset + 8) : 0;
    }

    /** IPv6: the last 8 bytes of the address, as one number; IPv4: its 4 bytes. */
    public static long lowBits(MemorySegment memory, long offset) {
        return isV6(memory, offset) ? memory.get(NETWORK_LONG, offset + 16)
                : Integer.toUnsignedLong(memory.get(NETWORK_INT, offset + 4));
    }

    /** IPv6: the scope id; IPv4: 0. */
    public static int scopeId(MemorySegment memory, long offset) {
        return isV6(memory, offset) ? memory.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 24) : 0;
    }

    /** {@code count} bytes of {@code raw} from {@code from} as one number, most significant first. */
    public static long bits(byte[] raw, int from, int count) {
        long bits = 0;
        for (int i = from; i < from + count; i++) {
            bits = bits << 8 | (raw[i] & 0xff);
        }
        return bits;
    }

    private static void putBits(byte[] raw, int from, long bits, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            raw[i] = (byte) bits;
            bits >>>= 8;
        }
    }

    /** The port of the sockaddr at {@code offset}. */
    public static int port(MemorySegment memory, long offset) {
        return Short.toUnsignedInt(memory.get(NETWORK_SHORT, offset + 2));
    }
}
