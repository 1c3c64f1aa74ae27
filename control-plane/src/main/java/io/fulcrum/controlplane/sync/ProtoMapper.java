package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState;
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
                .setProtocol(protocol(vs.protocol()))
                .setLayer(layer(vs.layer()))
                .setAlgorithm(algorithm(vs.algorithm()))
                .setPersistence(persistence(vs.persistence()))
                .setHealthCheck(healthCheck(vs.healthCheck()))
                .setProxyProtocol(vs.proxyProtocol())
                .setClientIdleTimeoutMs(vs.clientIdleTimeout().toMillis())
                .setServerIdleTimeoutMs(vs.serverIdleTimeout().toMillis())
                .setConnectTimeoutMs(vs.connectTimeout().toMillis())
                .setFlowIdleTimeoutMs(vs.flowIdleTimeout().toMillis())
                .setMaxFlows(vs.maxFlows())
                .setClientFirstByteTimeoutMs(vs.clientFirstByteTimeout().toMillis())
                .setMaxConnections(vs.maxConnections())
                .setMaxConnectionsPerClient(vs.maxConnectionsPerClient());
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

    private static Algorithm algorithm(io.fulcrum.controlplane.domain.Algorithm algorithm) {
        return switch (algorithm) {
            case WEIGHTED_LEAST_CONNECTIONS -> Algorithm.ALGORITHM_WEIGHTED_LEAST_CONNECTIONS;
            case WEIGHTED_ROUND_ROBIN -> Algorithm.ALGORITHM_WEIGHTED_ROUND_ROBIN;
            case SOURCE_HASH -> Algorithm.ALGORITHM_SOURCE_HASH;
        };
    }

    private static Protocol protocol(io.fulcrum.controlplane.domain.Protocol protocol) {
        return switch (protocol) {
            case TCP -> Protocol.PROTOCOL_TCP;
            case UDP -> Protocol.PROTOCOL_UDP;
        };
    }

    private static Layer layer(io.fulcrum.controlplane.domain.Layer layer) {
        return switch (layer) {
            case LAYER_7 -> Layer.LAYER_7;
            case LAYER_4 -> Layer.LAYER_4;
        };
    }

    private static Persistence persistence(VirtualService.Persistence persistence) {
        return Persistence.newBuilder()
                .setMode(switch (persistence.mode()) {
                    case NONE -> PersistenceMode.PERSISTENCE_MODE_NONE;
                    case SOURCE_IP -> PersistenceMode.PERSISTENCE_MODE_SOURCE_IP;
                })
                .setTimeoutMs(persistence.timeout() == null ? 0 : persistence.timeout().toMillis())
                .build();
    }

    private static HealthCheck healthCheck(VirtualService.HealthCheck check) {
        HealthCheck.Builder builder = HealthCheck.newBuilder()
                .setType(switch (check.type()) {
                    case NONE -> HealthCheckType.HEALTH_CHECK_TYPE_NONE;
                    case CONNECT -> HealthCheckType.HEALTH_CHECK_TYPE_CONNECT;
                    case PING -> HealthCheckType.HEALTH_CHECK_TYPE_PING;
                    case HTTP -> HealthCheckType.HEALTH_CHECK_TYPE_HTTP;
                    case UDP -> HealthCheckType.HEALTH_CHECK_TYPE_UDP;
                })
                .setIntervalMs(check.interval().toMillis())
                .setTimeoutMs(check.timeout().toMillis())
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
        if (check.send() != null) {
            builder.setUdpSend(check.send());
        }
        if (check.expect() != null) {
            builder.setUdpExpect(check.expect());
        }
        return builder.build();
    }

    private static AdminState adminState(io.fulcrum.controlplane.domain.AdminState state) {
        return switch (state) {
            case ONLINE -> AdminState.ADMIN_STATE_ONLINE;
            case DRAIN -> AdminState.ADMIN_STATE_DRAIN;
            case HALT -> AdminState.ADMIN_STATE_HALT;
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
                    vs.getTotalConnections(), vs.getBytesIn(), vs.getBytesOut(), vs.getRefusedConnections(),
                    vs.getDroppedFlows(),
                    vs.getRepinnedFlows(), vs.getDatagramsIn(), vs.getDatagramsOut(), vs.getDroppedDatagrams(),
                    vs.getPersistenceEntries(),
                    Map.copyOf(servers)));
        }
        return new NodeStats(report.getAppliedVersion(), receivedAt, Map.copyOf(services),
                heldAddresses(report.getHeldAddressesList()));
    }

    /** What a node says its host holds: IP literals only, canonical, at most one per virtual service. */
    private static java.util.List<String> heldAddresses(java.util.List<String> reported) {
        java.util.Set<String> held = new java.util.TreeSet<>();
        for (String text : reported.subList(0, Math.min(reported.size(), io.fulcrum.controlplane.domain.Limits.VIRTUAL_SERVICES))) {
            String canonical = io.fulcrum.controlplane.validation.IpLiterals.canonical(text);
            if (canonical != null && held.size() < io.fulcrum.controlplane.domain.Limits.VIRTUAL_SERVICES) {
                held.add(canonical);
            }
        }
        return java.util.List.copyOf(held);
    }

    /** A node that reports no health (or one this version does not know) says nothing: unknown. */
    private static io.fulcrum.controlplane.domain.Health health(Health health) {
        return switch (health) {
            case HEALTH_UP -> io.fulcrum.controlplane.domain.Health.UP;
            case HEALTH_DOWN -> io.fulcrum.controlplane.domain.Health.DOWN;
            case HEALTH_UNKNOWN, HEALTH_UNSPECIFIED, UNRECOGNIZED -> io.fulcrum.controlplane.domain.Health.UNKNOWN;
        };
    }
}
