package io.fulcrum.controlplane.sync;

import java.time.Instant;
import java.util.Map;

/** The latest report of one node: counters and observed health per virtual and real server. */
public record NodeStats(long appliedVersion, Instant receivedAt, Map<String, VirtualServiceStats> virtualServices) {

    public record VirtualServiceStats(long connections, long totalConnections, long bytesIn, long bytesOut,
            Map<String, RealServerStats> realServers) {
    }

    /** health is "up", "down" or "unknown", as the node observes it. */
    public record RealServerStats(String health, String healthReason, long connections, long totalConnections,
            long bytesIn, long bytesOut) {
    }
}
