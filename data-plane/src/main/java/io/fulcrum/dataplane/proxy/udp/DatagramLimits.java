package io.fulcrum.dataplane.proxy.udp;

/**
 * Datagram sizes shared by service and upstream sockets. Reads use slots one byte larger than the
 * maximum, so a datagram that fills its slot was truncated by the kernel: it is oversized and dropped,
 * never forwarded cut short.
 */
final class DatagramLimits {
    /** Largest payload forwarded: a jumbo frame's. Larger datagrams are dropped and counted. */
    static final int MAX_DATAGRAM_SIZE = 9000;
    static final int SLOT_SIZE = MAX_DATAGRAM_SIZE + 1;

    private DatagramLimits() {
    }

    static boolean oversized(int size) {
        return size > MAX_DATAGRAM_SIZE;
    }
}
