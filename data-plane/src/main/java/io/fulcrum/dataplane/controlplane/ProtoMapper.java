package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.Endpoint;
import io.fulcrum.dataplane.config.FlowSettings;
import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.Layer;
import io.fulcrum.dataplane.config.PersistenceConfig;
import io.fulcrum.dataplane.config.PersistenceMode;
import io.fulcrum.dataplane.config.Protocol;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.report.NodeStatus;
import io.fulcrum.dataplane.report.RealServerStatus;
import io.fulcrum.dataplane.report.VirtualServiceStatus;
import io.fulcrum.proto.v1.NodeReport;
import io.fulcrum.proto.v1.RealServerStats;
import io.fulcrum.proto.v1.VirtualServiceStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The only place that translates between protobuf messages and the node's own types: snapshots
 * in (validated, with zero meaning "default"), status reports out.
 */
public final class ProtoMapper {
    private ProtoMapper() {
    }

    public static Snapshot toSnapshot(io.fulcrum.proto.v1.Snapshot proto) throws InvalidSnapshotException {
        List<VirtualServiceConfig> services = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (io.fulcrum.proto.v1.VirtualService service : proto.getVirtualServicesList()) {
            VirtualServiceConfig config = toVirtualService(service);
            if (!names.add(config.name())) {
                throw new InvalidSnapshotException("virtual service " + config.name() + ": name used twice");
            }
            services.add(config);
        }
        return new Snapshot(proto.getVersion(), services);
    }

    static VirtualServiceConfig toVirtualService(io.fulcrum.proto.v1.VirtualService proto)
            throws InvalidSnapshotException {
        String name = proto.getName();
        if (name.isBlank()) {
            throw new InvalidSnapshotException("virtual service: empty name");
        }
        String at = "virtual service " + name;
        if (proto.getPortsCount() == 0) {
            throw new InvalidSnapshotException(at + ": ports: empty (expected at least one port)");
        }
        List<Integer> ports = new ArrayList<>();
        for (int port : proto.getPortsList()) {
            ports.add(port(at + ": ports", port, 1));
        }
        List<RealServerConfig> realServers = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (io.fulcrum.proto.v1.RealServer server : proto.getRealServersList()) {
            RealServerConfig config = toRealServer(at, server);
            if (!labels.add(config.label())) {
                throw new InvalidSnapshotException(at + ": real server " + config.label() + ": label used twice");
            }
            realServers.add(config);
        }
        Endpoint fallback = proto.hasFallback()
                ? new Endpoint(IpLiterals.parse(at + ": fallback.address", proto.getFallback().getAddress()),
                port(at + ": fallback.port", proto.getFallback().getPort(), 0))
                : null;
        return new VirtualServiceConfig(name, IpLiterals.parse(at + ": address", proto.getAddress()), ports,
                protocol(proto.getProtocol()), layer(proto.getLayer()), algorithm(proto.getAlgorithm()),
                persistence(proto.getPersistence()), healthCheck(at, proto.getHealthCheck()), fallback,
                // PROXY protocol is a layer-7 feature: a layer-4 service forwards exactly what it receives.
                proto.getProxyProtocol() && layer(proto.getLayer()) == Layer.LAYER_7,
                millis(proto.getClientIdleTimeoutMs(), VirtualServiceConfig.DEFAULT_IDLE_TIMEOUT),
                millis(proto.getServerIdleTimeoutMs(), VirtualServiceConfig.DEFAULT_IDLE_TIMEOUT),
                millis(proto.getConnectTimeoutMs(), VirtualServiceConfig.DEFAULT_CONNECT_TIMEOUT),
                new FlowSettings(millis(proto.getFlowIdleTimeoutMs(), FlowSettings.DEFAULT_IDLE_TIMEOUT),
                        proto.getMaxFlows() == 0 ? FlowSettings.DEFAULT_MAX_FLOWS
                                : positive(at + ": maxFlows", proto.getMaxFlows())),
                realServers);
    }

    static RealServerConfig toRealServer(String at, io.fulcrum.proto.v1.RealServer proto)
            throws InvalidSnapshotException {
        if (proto.getLabel().isBlank()) {
            throw new InvalidSnapshotException(at + ": real server: empty label");
        }
        String here = at + ": real server " + proto.getLabel();
        if (Integer.toUnsignedLong(proto.getWeight()) > 65535) {
            throw new InvalidSnapshotException(here + ": weight: " + Integer.toUnsignedString(proto.getWeight())
                    + " (expected 0..65535)");
        }
        if (proto.getMaxConnections() > 0 && proto.getMinConnections() > proto.getMaxConnections()) {
            throw new InvalidSnapshotException(here + ": minConnections " + proto.getMinConnections()
                    + " above maxConnections " + proto.getMaxConnections());
        }
        return new RealServerConfig(proto.getLabel(), IpLiterals.parse(here + ": address", proto.getAddress()),
                port(here + ": port", proto.getPort(), 0), proto.getWeight(),
                nonNegative(here + ": minConnections", proto.getMinConnections()),
                nonNegative(here + ": maxConnections", proto.getMaxConnections()), adminState(proto.getState()));
    }

    static HealthCheckConfig healthCheck(String at, io.fulcrum.proto.v1.HealthCheck proto)
            throws InvalidSnapshotException {
        Duration interval = millis(proto.getIntervalMs(), HealthCheckConfig.DEFAULT_INTERVAL);
        int min = proto.getHttpExpectedStatusMin() == 0 ? 200 : proto.getHttpExpectedStatusMin();
        int max = proto.getHttpExpectedStatusMax() == 0 ? 399 : proto.getHttpExpectedStatusMax();
        if (min > max) {
            throw new InvalidSnapshotException(at + ": healthCheck: expected status " + min + ".." + max);
        }
        return new HealthCheckConfig(healthCheckType(proto.getType()), interval,
                millis(proto.getTimeoutMs(), interval),
                proto.getRise() == 0 ? HealthCheckConfig.DEFAULT_RISE : proto.getRise(),
                proto.getFall() == 0 ? HealthCheckConfig.DEFAULT_FALL : proto.getFall(),
                port(at + ": healthCheck.port", proto.getPort(), 0),
                proto.getHttpPath().isEmpty() ? "/" : proto.getHttpPath(), min, max);
    }

    static PersistenceConfig persistence(io.fulcrum.proto.v1.Persistence proto) {
        PersistenceMode mode = proto.getMode() == io.fulcrum.proto.v1.PersistenceMode.PERSISTENCE_MODE_SOURCE_IP
                ? PersistenceMode.SOURCE_IP : PersistenceMode.NONE;
        return new PersistenceConfig(mode, millis(proto.getTimeoutMs(), PersistenceConfig.DEFAULT_TIMEOUT));
    }

    public static NodeReport toReport(NodeStatus status) {
        NodeReport.Builder report = NodeReport.newBuilder()
                .setAppliedVersion(status.appliedVersion())
                .setSentAtUnixMs(status.sentAtMillis());
        for (VirtualServiceStatus service : status.virtualServices()) {
            VirtualServiceStats.Builder stats = VirtualServiceStats.newBuilder()
                    .setName(service.name())
                    .setActiveConnections(Math.max(0, service.activeConnections()))
                    .setTotalConnections(service.totalConnections())
                    .setBytesIn(service.bytesIn())
                    .setBytesOut(service.bytesOut())
                    .setRefusedConnections(service.refusedConnections())
                    .setFallbackConnections(service.fallbackConnections())
                    .setDroppedFlows(service.datagrams().droppedFlows())
                    .setRepinnedFlows(service.datagrams().repinnedFlows())
                    .setDatagramsIn(service.datagrams().in())
                    .setDatagramsOut(service.datagrams().out())
                    .setDroppedDatagrams(service.datagrams().dropped());
            for (RealServerStatus server : service.realServers()) {
                stats.addRealServers(RealServerStats.newBuilder()
                        .setLabel(server.label())
                        .setHealth(health(server.health()))
                        .setHealthReason(server.healthReason())
                        .setHealthChangedUnixMs(server.healthChangedAtMillis())
                        .setActiveConnections(Math.max(0, server.activeConnections()))
                        .setTotalConnections(server.totalConnections())
                        .setBytesIn(server.bytesIn())
                        .setBytesOut(server.bytesOut())
                        .setConnectFailures(server.connectFailures())
                        .setDatagramsIn(server.datagramsIn())
                        .setDatagramsOut(server.datagramsOut()));
            }
            report.addVirtualServices(stats);
        }
        return report.build();
    }

    private static io.fulcrum.proto.v1.Health health(Health health) {
        return switch (health) {
            case UNKNOWN -> io.fulcrum.proto.v1.Health.HEALTH_UNKNOWN;
            case UP -> io.fulcrum.proto.v1.Health.HEALTH_UP;
            case DOWN -> io.fulcrum.proto.v1.Health.HEALTH_DOWN;
        };
    }

    private static Protocol protocol(io.fulcrum.proto.v1.Protocol proto) {
        return proto == io.fulcrum.proto.v1.Protocol.PROTOCOL_UDP ? Protocol.UDP : Protocol.TCP;
    }

    private static Layer layer(io.fulcrum.proto.v1.Layer proto) {
        return proto == io.fulcrum.proto.v1.Layer.LAYER_4 ? Layer.LAYER_4 : Layer.LAYER_7;
    }

    private static Algorithm algorithm(io.fulcrum.proto.v1.Algorithm proto) {
        return switch (proto) {
            case ALGORITHM_WEIGHTED_ROUND_ROBIN -> Algorithm.WEIGHTED_ROUND_ROBIN;
            case ALGORITHM_SOURCE_HASH -> Algorithm.SOURCE_HASH;
            default -> Algorithm.WEIGHTED_LEAST_CONNECTIONS;
        };
    }

    private static HealthCheckType healthCheckType(io.fulcrum.proto.v1.HealthCheckType proto) {
        return switch (proto) {
            case HEALTH_CHECK_TYPE_NONE -> HealthCheckType.NONE;
            case HEALTH_CHECK_TYPE_PING -> HealthCheckType.PING;
            case HEALTH_CHECK_TYPE_HTTP -> HealthCheckType.HTTP;
            default -> HealthCheckType.CONNECT;
        };
    }

    private static AdminState adminState(io.fulcrum.proto.v1.AdminState proto) {
        return switch (proto) {
            case ADMIN_STATE_DRAIN -> AdminState.DRAIN;
            case ADMIN_STATE_HALT -> AdminState.HALT;
            default -> AdminState.ONLINE;
        };
    }

    private static Duration millis(long value, Duration fallback) {
        return value == 0 ? fallback : Duration.ofMillis(value);
    }

    private static int port(String field, int port, int min) throws InvalidSnapshotException {
        if (port < min || port > 65535) {
            throw new InvalidSnapshotException(field + ": " + Integer.toUnsignedString(port)
                    + " (expected " + min + "..65535)");
        }
        return port;
    }

    private static int positive(String field, int value) throws InvalidSnapshotException {
        if (value < 1) {
            throw new InvalidSnapshotException(field + ": " + Integer.toUnsignedString(value) + " (expected 1..)");
        }
        return value;
    }

    private static int nonNegative(String field, int value) throws InvalidSnapshotException {
        if (value < 0) {
            throw new InvalidSnapshotException(field + ": " + Integer.toUnsignedString(value) + " (expected 0..)");
        }
        return value;
    }
}
