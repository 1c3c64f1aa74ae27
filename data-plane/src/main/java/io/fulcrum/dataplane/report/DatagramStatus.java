package io.fulcrum.dataplane.report;

/** UDP counters of one virtual service at one instant; all zero for TCP services. */
public record DatagramStatus(long in, long out, long dropped, long droppedFlows, long repinnedFlows) {
    public static final DatagramStatus NONE = new DatagramStatus(0, 0, 0, 0, 0);
}
