package io.fulcrum.dataplane.report;

import java.util.List;

/** Counters of one virtual service and its real servers at one instant. */
public record VirtualServiceStatus(
        String name,
        long activeConnections,
        long totalConnections,
        long bytesIn,
        long bytesOut,
        long refusedConnections,
        long retries,
        long fallbackConnections,
        DatagramStatus datagrams,
        long persistenceEntries,
        List<RealServerStatus> realServers) {

    public VirtualServiceStatus {
        realServers = List.copyOf(realServers);
    }
}
