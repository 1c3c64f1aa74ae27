package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.domain.Health;
import java.time.Instant;
import java.util.Map;

/** The latest report of one node: counters and observed health per virtual and real server. */
public record NodeStats(long appliedVersion, Instant receivedAt, Map<String, VirtualServiceStats> virtualServices,
        java.util.List<String> heldAddresses) {

    /**
     * For UDP, connections are live flows; the flow and datagram counters stay 0 for TCP. persistenceEntries:
     * the clients in the node's source-IP persistence table for the service, its own pins and its peers'.
     */
    public record VirtualServiceStats(long connections, long totalConnections, long bytesIn, long bytesOut,
            long refusedConnections, long droppedFlows, long repinnedFlows, long datagramsIn, long datagramsOut, long droppedDatagrams,
            long persistenceEntries, Map<String, RealServerStats> realServers) {
    }

    /** Health as the node observes it. */
    public record RealServerStats(Health health, String healthReason, long connections, long totalConnections,
            long bytesIn, long bytesOut, long datagramsIn, long datagramsOut) {
    }
}
