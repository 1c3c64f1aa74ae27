package io.fulcrum.controlplane.overview;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Map;

/** The system overview: configuration joined with what connected nodes observe. */
@JsonPropertyOrder({"configVersion", "virtualServices"})
public record Overview(long configVersion, List<VirtualServiceStatus> virtualServices) {

    /**
     * status is "up", "degraded" or "down"; counters are summed over connected nodes. For UDP,
     * connections are live flows; the flow and datagram counters stay 0 for TCP.
     */
    @JsonPropertyOrder({"name", "address", "ports", "protocol", "layer", "status", "connections", "totalConnections",
            "bytesIn", "bytesOut", "droppedFlows", "repinnedFlows", "datagramsIn", "datagramsOut", "droppedDatagrams",
            "realServers"})
    public record VirtualServiceStatus(String name, String address, List<Integer> ports, String protocol, int layer,
            String status, long connections, long totalConnections, long bytesIn, long bytesOut, long droppedFlows,
            long repinnedFlows, long datagramsIn, long datagramsOut, long droppedDatagrams,
            List<RealServerStatus> realServers) {
    }

    /** state is the admin state (stored); health is observed ("up", "down", "unknown"). */
    @JsonPropertyOrder({"label", "address", "port", "weight", "state", "health", "healthReason", "connections",
            "totalConnections", "bytesIn", "bytesOut", "datagramsIn", "datagramsOut", "healthByNode"})
    public record RealServerStatus(String label, String address, Integer port, int weight, String state, String health,
            String healthReason, long connections, long totalConnections, long bytesIn, long bytesOut,
            long datagramsIn, long datagramsOut, Map<String, String> healthByNode) {
    }
}
