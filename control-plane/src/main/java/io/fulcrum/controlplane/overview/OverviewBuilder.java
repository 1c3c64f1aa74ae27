package io.fulcrum.controlplane.overview;

import io.fulcrum.controlplane.domain.AdminState;
import io.fulcrum.controlplane.domain.Health;
import io.fulcrum.controlplane.domain.ServiceStatus;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.sync.NodeStats;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins the configuration with the latest report of each connected node. Reports about virtual
 * or real servers that are no longer configured are ignored because only configured ones are walked.
 */
public final class OverviewBuilder {

    private OverviewBuilder() {
    }

    public static Overview build(ConfigState state, Map<String, NodeStats> reports) {
        List<Overview.VirtualServiceStatus> services = new ArrayList<>();
        for (ConfigState.ConfiguredVirtualService configured : state.virtualServices()) {
            services.add(virtualService(configured, reports));
        }
        return new Overview(state.version(), services);
    }

    private static Overview.VirtualServiceStatus virtualService(ConfigState.ConfiguredVirtualService configured,
            Map<String, NodeStats> reports) {
        VirtualService vs = configured.virtualService();
        NodeStats.VirtualServiceStats sum = new NodeStats.VirtualServiceStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
        for (NodeStats report : reports.values()) {
            NodeStats.VirtualServiceStats stats = report.virtualServices().get(vs.name());
            if (stats != null) {
                sum = plus(sum, stats);
            }
        }
        List<String> activeNodes = new ArrayList<>();
        reports.forEach((node, report) -> {
            if (report.heldAddresses().contains(vs.address())) {
                activeNodes.add(node);
            }
        });
        activeNodes.sort(null);
        List<Overview.RealServerStatus> servers = new ArrayList<>();
        for (RealServer rs : configured.realServers()) {
            servers.add(realServer(vs.name(), rs, reports));
        }
        return new Overview.VirtualServiceStatus(vs.name(), vs.address(), vs.ports(), vs.protocol(), vs.layer(),
                status(servers), sum.connections(), sum.totalConnections(), sum.bytesIn(), sum.bytesOut(),
                sum.refusedConnections(), sum.droppedFlows(), sum.repinnedFlows(), sum.datagramsIn(), sum.datagramsOut(),
                sum.droppedDatagrams(), sum.persistenceEntries(), activeNodes, servers);
    }

    private static NodeStats.VirtualServiceStats plus(NodeStats.VirtualServiceStats a, NodeStats.VirtualServiceStats b) {
        return new NodeStats.VirtualServiceStats(a.connections() + b.connections(),
                a.totalConnections() + b.totalConnections(), a.bytesIn() + b.bytesIn(), a.bytesOut() + b.bytesOut(),
                a.refusedConnections() + b.refusedConnections(), a.droppedFlows() + b.droppedFlows(), a.repinnedFlows() + b.repinnedFlows(),
                a.datagramsIn() + b.datagramsIn(), a.datagramsOut() + b.datagramsOut(),
                a.droppedDatagrams() + b.droppedDatagrams(),
                // Peers replicate their tables, so the entries are the most any node holds, not a sum.
                Math.max(a.persistenceEntries(), b.persistenceEntries()), Map.of());
    }

    private static Overview.RealServerStatus realServer(String service, RealServer rs, Map<String, NodeStats> reports) {
        Map<String, Health> healthByNode = new TreeMap<>();
        String reason = null;
        long connections = 0;
        long total = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        long datagramsIn = 0;
        long datagramsOut = 0;
        for (Map.Entry<String, NodeStats> report : reports.entrySet()) {
            NodeStats.VirtualServiceStats vsStats = report.getValue().virtualServices().get(service);
            NodeStats.RealServerStats stats = vsStats == null ? null : vsStats.realServers().get(rs.label());
            if (stats == null) {
                continue;
            }
            healthByNode.put(report.getKey(), stats.health());
            // A down node's reason explains the combined health best; otherwise any reason will do.
            if (reason == null || stats.health() == Health.DOWN) {
                reason = stats.healthReason().isEmpty() ? reason : stats.healthReason();
            }
            connections += stats.connections();
            total += stats.totalConnections();
            bytesIn += stats.bytesIn();
            bytesOut += stats.bytesOut();
            datagramsIn += stats.datagramsIn();
            datagramsOut += stats.datagramsOut();
        }
        return new Overview.RealServerStatus(rs.label(), rs.address(), rs.port(), rs.weight(), rs.state(),
                combinedHealth(healthByNode), reason, connections, total, bytesIn, bytesOut, datagramsIn, datagramsOut,
                healthByNode);
    }

    /** unknown without reports; down if any node says down; up if all say up; unknown otherwise. */
    static Health combinedHealth(Map<String, Health> healthByNode) {
        if (healthByNode.isEmpty()) {
            return Health.UNKNOWN;
        }
        if (healthByNode.containsValue(Health.DOWN)) {
            return Health.DOWN;
        }
        return healthByNode.values().stream().allMatch(Health.UP::equals) ? Health.UP : Health.UNKNOWN;
    }

    /**
     * down: no real server can take a new connection (online, weight > 0, not down); up: every
     * online real server is up and there is one; degraded otherwise.
     */
    static ServiceStatus status(List<Overview.RealServerStatus> servers) {
        boolean canTake = servers.stream().anyMatch(rs -> rs.state() == AdminState.ONLINE && rs.weight() > 0
                && rs.health() != Health.DOWN);
        if (!canTake) {
            return ServiceStatus.DOWN;
        }
        List<Overview.RealServerStatus> online = servers.stream().filter(rs -> rs.state() == AdminState.ONLINE).toList();
        return !online.isEmpty() && online.stream().allMatch(rs -> rs.health() == Health.UP)
                ? ServiceStatus.UP : ServiceStatus.DEGRADED;
    }
}
