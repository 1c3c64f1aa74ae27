package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.validation.Durations;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import io.fulcrum.proto.v1.AdminState;
import io.fulcrum.proto.v1.Algorithm;
import io.fulcrum.proto.v1.Endpoint;
import io.fulcrum.proto.v1.Health;
import io.fulcrum.proto.v1.HealthCheck;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.Layer;
import io.fulcrum.proto.v1.NodeReport;
import io.fulcrum.proto.v1.Persistence;
import io.fulcrum.proto.v1.PersistenceMode;
import io.fulcrum.proto.v1.Protocol;
import io.fulcrum.proto.v1.RealServerStats;
import io.fulcrum.proto.v1.Snapshot;
import io.fulcrum.proto.v1.VirtualServiceStats;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The only translation between the control plane's records and the gRPC contract's messages. */
public final class ProtoMapper {

    private ProtoMapper() {
    }

    public static Snapshot toSnapshot(ConfigState state) {
        Snapshot.Builder snapshot = Snapshot.newBuilder().setVersion(state.version());
        for (ConfigState.ConfiguredVirtualService configured : state.virtualServices()) {
            snapshot.addVirtualServices(toProto(configured));
        }
        return snapshot.build();
    }

    /** The message of one virtual service with its real servers. */
    public static io.fulcrum.proto.v1.VirtualService toProto(ConfigState.ConfiguredVirtualService configured) {
        VirtualService vs = configured.virtualService();
        var builder = io.fulcrum.proto.v1.VirtualService.newBuilder()
                .setName(vs.name())
                .setAddress(vs.address())
                .addAllPorts(vs.ports())
                .setProtocol("udp".equals(vs.protocol()) ? Protocol.PROTOCOL_UDP : Protocol.PROTOCOL_TCP)
                .setLayer(vs.layer() == 4 ? Layer.LAYER_4 : Layer.LAYER_7)
                .setAlgorithm(algorithm(vs.algorithm()))
                .setPersistence(persistence(vs.persistence()))
                .setHealthCheck(healthCheck(vs.healthCheck()))
                .setProxyProtocol(vs.proxyProtocol())
                .setClientIdleTimeoutMs(Durations.parseMillis(vs.clientIdleTimeout()))
                .setServerIdleTimeoutMs(Durations.parseMillis(vs.serverIdleTimeout()))
                .setConnectTimeoutMs(Durations.parseMillis(vs.connectTimeout()))
                .setFlowIdleTimeoutMs(Durations.parseMillis(vs.flowIdleTimeout()))
                .setMaxFlows(vs.maxFlows());
        if (vs.fallback() != null) {
            builder.setFallback(Endpoint.newBuilder().setAddress(vs.fallback().address()).setPort(vs.fallback().port()));
        }
        for (RealServer rs : configured.realServers()) {
            builder.addRealServers(io.fulcrum.proto.v1.RealServer.newBuilder()
                    .setLabel(rs.label())
                    .setAddress(rs.address())
                    .setPort(rs.port() == null ? 0 : rs.port())
                    .setWeight(rs.weight())
                    .setMinConnections(rs.minConnections())
                    .setMaxConnections(rs.maxConnections())
                    .setState(adminState(rs.state())));
        }
        return builder.build();
    }

    private static Algorithm algorithm(String algorithm) {
        return switch (algorithm) {
            case "weighted-round-robin" -> Algorithm.ALGORITHM_WEIGHTED_ROUND_ROBIN;
            case "source-hash" -> Algorithm.ALGORITHM_SOURCE_HASH;
            default -> Algorithm.ALGORITHM_WEIGHTED_LEAST_CONNECTIONS;
        };
    }

    private static Persistence persistence(VirtualService.Persistence persistence) {
        boolean sourceIp = "source-ip".equals(persistence.mode());
        return Persistence.newBuilder()
                .setMode(sourceIp ? PersistenceMode.PERSISTENCE_MODE_SOURCE_IP : PersistenceMode.PERSISTENCE_MODE_NONE)
                .setTimeoutMs(persistence.timeout() == null ? 0 : Durations.parseMillis(persistence.timeout()))
                .build();
    }

    private static HealthCheck healthCheck(VirtualService.HealthCheck check) {
        HealthCheck.Builder builder = HealthCheck.newBuilder()
                .setType(switch (check.type()) {
                    case "none" -> HealthCheckType.HEALTH_CHECK_TYPE_NONE;
                    case "ping" -> HealthCheckType.HEALTH_CHECK_TYPE_PING;
                    case "http" -> HealthCheckType.HEALTH_CHECK_TYPE_HTTP;
                    default -> HealthCheckType.HEALTH_CHECK_TYPE_CONNECT;
                })
                .setIntervalMs(Durations.parseMillis(check.interval()))
                .setTimeoutMs(Durations.parseMillis(check.timeout()))
                .setRise(check.rise())
                .setFall(check.fall())
                .setPort(check.port() == null ? 0 : check.port());
        if (check.path() != null) {
            builder.setHttpPath(check.path());
        }
        if (check.expectStatus() != null) {
            String[] range = check.expectStatus().split("-");
            builder.setHttpExpectedStatusMin(Integer.parseInt(range[0]))
                    .setHttpExpectedStatusMax(Integer.parseInt(range[range.length - 1]));
        }
        return builder.build();
    }

    private static AdminState adminState(String state) {
        return switch (state) {
            case "drain" -> AdminState.ADMIN_STATE_DRAIN;
            case "halt" -> AdminState.ADMIN_STATE_HALT;
            default -> AdminState.ADMIN_STATE_ONLINE;
        };
    }

    /** A node's report as plain records keyed by virtual service name and real server label. */
    public static NodeStats toStats(NodeReport report, Instant receivedAt) {
        Map<String, NodeStats.VirtualServiceStats> services = new LinkedHashMap<>();
        for (VirtualServiceStats vs : report.getVirtualServicesList()) {
            Map<String, NodeStats.RealServerStats> servers = new LinkedHashMap<>();
            for (RealServerStats rs : vs.getRealServersList()) {
                servers.put(rs.getLabel(), new NodeStats.RealServerStats(health(rs.getHealth()), rs.getHealthReason(),
                        rs.getActiveConnections(), rs.getTotalConnections(), rs.getBytesIn(), rs.getBytesOut(),
                        rs.getDatagramsIn(), rs.getDatagramsOut()));
            }
            services.put(vs.getName(), new NodeStats.VirtualServiceStats(vs.getActiveConnections(),
                    vs.getTotalConnections(), vs.getBytesIn(), vs.getBytesOut(), vs.getDroppedFlows(),
                    vs.getRepinnedFlows(), vs.getDatagramsIn(), vs.getDatagramsOut(), vs.getDroppedDatagrams(),
                    Map.copyOf(servers)));
        }
        return new NodeStats(report.getAppliedVersion(), receivedAt, Map.copyOf(services));
    }

    private static String health(Health health) {
        return switch (health) {
            case HEALTH_UP -> "up";
            case HEALTH_DOWN -> "down";
            default -> "unknown";
        };
    }
}
