package io.fulcrum.dataplane.proxy.udp;

/**
 * Consecutive datagrams of one read batch for one destination that one kernel send may carry: a run
 * of equal-sized datagrams (the last may be shorter) leaves as one UDP GSO send (UDP_SEGMENT). The
 * kernel then walks its stack once for the run instead of once per datagram, which is most of a
 * datagram's cost; the receiver still gets separate datagrams. Reused by its loop for every run.
 */
final class DatagramRun {
    /** The kernel's limit on segments per send. */
    static final int MAX_SEGMENTS = 64;
    /** Keeps the whole send one IP datagram. */
    static final int MAX_RUN_BYTES = 65_000;
    /**
     * Larger datagrams go alone: the kernel refuses a segment that does not fit the path's MTU, where a
     * single datagram would be fragmented instead. 1,232 bytes fit any IPv6 path (and every Ethernet
     * one); typical UDP traffic (RDP, DNS, QUIC, games) is no larger.
     */
    static final int MAX_SEGMENT_SIZE = 1232;

    private final int[] indices = new int[MAX_SEGMENTS];
    private final int[] lengths = new int[MAX_SEGMENTS];
    private int count;
    private int bytes;
    private boolean closedByShorter;

    /** Whether a datagram of {@code length} may join the run (always, when it is empty). */
    boolean accepts(int length, boolean segmentation) {
        if (count == 0) {
            return true;
        }
        int segmentSize = lengths[0];
        return segmentation && !closedByShorter && count < MAX_SEGMENTS && segmentSize > 0
                && segmentSize <= MAX_SEGMENT_SIZE && length > 0 && length <= segmentSize
                && bytes + length <= MAX_RUN_BYTES;
    }

    void add(int index, int length) {
        if (count > 0 && length < lengths[0]) {
            closedByShorter = true; // only the last segment may be shorter
        }
        indices[count] = index;
        lengths[count] = length;
        count++;
        bytes += length;
    }

    void clear() {
        count = 0;
        bytes = 0;
        closedByShorter = false;
    }

    int count() {
        return count;
    }

    int index(int k) {
        return indices[k];
    }

    int length(int k) {
        return lengths[k];
    }

    int segmentSize() {
        return lengths[0];
    }
}
