package io.fulcrum.controlplane.overview;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fulcrum.controlplane.domain.AdminState;
import io.fulcrum.controlplane.domain.Health;
import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.domain.Protocol;
import io.fulcrum.controlplane.domain.ServiceStatus;
import java.util.List;
import java.util.Map;

/** The system overview: configuration joined with what connected nodes observe. */
@JsonPropertyOrder({"configVersion", "virtualServices"})
public record Overview(long configVersion, List<VirtualServiceStatus> virtualServices) {

    /**
     * Counters are summed over connected nodes. For UDP, connections are live flows; the flow and datagram
     * counters stay 0 for TCP. refusedConnections: clients turned away (no real server could take them, or
     * the node's descriptor budget for the service was spent). activeNodes: the connected nodes whose host
     * holds the address (with a floating address, the active node of the pair; on one host, all of them).
     * persistenceEntries: the clients pinned by source-IP persistence, the most any connected node holds
     * (nodes of a peer group replicate their tables, so it is not a sum).
     */
    @JsonPropertyOrder({"name", "address", "ports", "protocol", "layer", "status", "connections", "totalConnections",
            "bytesIn", "bytesOut", "refusedConnections", "droppedFlows", "repinnedFlows", "datagramsIn", "datagramsOut", "droppedDatagrams",
            "persistenceEntries", "activeNodes", "realServers"})
    public record VirtualServiceStatus(String name, String address, List<Integer> ports, Protocol protocol, Layer layer,
            ServiceStatus status, long connections, long totalConnections, long bytesIn, long bytesOut,
            long refusedConnections, long droppedFlows, long repinnedFlows, long datagramsIn, long datagramsOut, long droppedDatagrams,
            long persistenceEntries, List<String> activeNodes, List<RealServerStatus> realServers) {
    }

    /** state is the admin state (stored); health is observed; healthReason is null until a node reports one. */
    @JsonPropertyOrder({"label", "address", "port", "weight", "state", "health", "healthReason", "connections",
            "totalConnections", "bytesIn", "bytesOut", "datagramsIn", "datagramsOut", "healthByNode"})
    public record RealServerStatus(String label, String address, Integer port, int weight, AdminState state,
            Health health, String healthReason, long connections, long totalConnections, long bytesIn, long bytesOut,
            long datagramsIn, long datagramsOut, Map<String, Health> healthByNode) {
    }
}
