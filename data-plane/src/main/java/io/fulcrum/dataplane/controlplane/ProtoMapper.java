package io.fulcrum.dataplane.controlplane;

import com.google.protobuf.ProtocolMessageEnum;
import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.ClientLimits;
import io.fulcrum.dataplane.config.Endpoint;
import io.fulcrum.dataplane.config.FlowSettings;
import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.Layer;
import io.fulcrum.dataplane.config.Limits;
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
 * in, status reports out. Every received value is checked against {@link Limits}; a missing (zero)
 * value, an unspecified or unknown enum, or anything out of range refuses the snapshot with a
 * reason naming the virtual service, real server and field. The control plane sends every value
 * explicitly, so the node has no defaults of its own.
 */
public final class ProtoMapper {
    private ProtoMapper() {
    }

    public static Snapshot toSnapshot(io.fulcrum.proto.v1.Snapshot proto) throws InvalidSnapshotException {
        return new SnapshotMapping().toSnapshot(proto);
    }

    static VirtualServiceConfig toVirtualService(io.fulcrum.proto.v1.VirtualService proto)
            throws InvalidSnapshotException {
        String name = FieldChecks.name("virtual service: name", proto.getName());
        String at = "virtual service " + name;
        if (proto.getRealServersCount() > Limits.MAX_REAL_SERVERS) {
            throw new InvalidSnapshotException(at + ": realServers: " + proto.getRealServersCount()
                    + " (expected at most " + Limits.MAX_REAL_SERVERS + ")");
        }
        Protocol protocol = protocol(at, proto);
        Layer layer = layer(at, proto);
        if (layer == Layer.LAYER_7 && protocol != Protocol.TCP) {
            throw new InvalidSnapshotException(at + ": layer: LAYER_7 (expected LAYER_4 with protocol "
                    + protocol + ": layer 7 needs TCP)");
        }
        if (proto.getProxyProtocol() && layer == Layer.LAYER_4) {
            // Layer 4 forwards exactly what it receives; a PROXY header belongs to a proxied stream.
            throw new InvalidSnapshotException(at + ": proxyProtocol: true (expected false at layer 4: "
                    + "PROXY protocol needs layer 7)");
        }
        List<Integer> ports = ports(at, proto.getPortsList());
        List<RealServerConfig> realServers = new ArrayList<>(proto.getRealServersCount());
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
                FieldChecks.uint32(at + ": fallback.port", proto.getFallback().getPort(), 0, Limits.MAX_PORT))
                : null;
        Duration clientIdle = FieldChecks.millis(at + ": clientIdleTimeout", proto.getClientIdleTimeoutMs(),
                Limits.IDLE_TIMEOUT);
        // Absent (0) from a control plane older than the field: no first-byte timeout of its own, as then.
        Duration firstByte = proto.getClientFirstByteTimeoutMs() == 0 ? clientIdle
                : FieldChecks.millis(at + ": clientFirstByteTimeout", proto.getClientFirstByteTimeoutMs(),
                        Limits.IDLE_TIMEOUT);
        return new VirtualServiceConfig(name, IpLiterals.parse(at + ": address", proto.getAddress()), ports,
                protocol, layer, algorithm(at, proto), persistence(at, proto.getPersistence()),
                healthCheck(at, proto.getHealthCheck()), fallback, proto.getProxyProtocol(),
                clientIdle,
                FieldChecks.millis(at + ": serverIdleTimeout", proto.getServerIdleTimeoutMs(), Limits.IDLE_TIMEOUT),
                FieldChecks.millis(at + ": connectTimeout", proto.getConnectTimeoutMs(), Limits.CONNECT_TIMEOUT),
                new FlowSettings(
                        FieldChecks.millis(at + ": flowIdleTimeout", proto.getFlowIdleTimeoutMs(), Limits.IDLE_TIMEOUT),
                        FieldChecks.uint32(at + ": maxFlows", proto.getMaxFlows(), 1, Limits.MAX_FLOWS)),
                new ClientLimits(firstByte,
                        FieldChecks.uint32(at + ": maxConnections", proto.getMaxConnections(), 0, Limits.MAX_CONNECTIONS),
                        FieldChecks.uint32(at + ": maxConnectionsPerClient", proto.getMaxConnectionsPerClient(), 0,
                                Limits.MAX_CONNECTIONS)),
                realServers);
    }

    private static List<Integer> ports(String at, List<Integer> received) throws InvalidSnapshotException {
        if (received.isEmpty() || received.size() > Limits.MAX_PORTS) {
            throw new InvalidSnapshotException(at + ": ports: " + (received.isEmpty() ? "empty" : received.size()
                    + " ports") + " (expected 1.." + Limits.MAX_PORTS + " ports)");
        }
        List<Integer> ports = new ArrayList<>(received.size());
        for (int port : received) {
            FieldChecks.uint32(at + ": ports", port, 1, Limits.MAX_PORT);
            if (ports.contains(port)) {
                throw new InvalidSnapshotException(at + ": ports: " + port + " listed twice");
            }
            ports.add(port);
        }
        return ports;
    }

    static RealServerConfig toRealServer(String at, io.fulcrum.proto.v1.RealServer proto)
            throws InvalidSnapshotException {
        String label = FieldChecks.name(at + ": real server: label", proto.getLabel());
        String here = at + ": real server " + label;
        int max = FieldChecks.uint32(here + ": maxConnections", proto.getMaxConnections(), 0, Limits.MAX_CONNECTIONS);
        // maxConnections 0 is unlimited, so any minConnections within the bound goes with it.
        int min = FieldChecks.uint32(here + ": minConnections", proto.getMinConnections(), 0,
                max == 0 ? Limits.MAX_CONNECTIONS : max);
        return new RealServerConfig(label, IpLiterals.parse(here + ": address", proto.getAddress()),
                FieldChecks.uint32(here + ": port", proto.getPort(), 0, Limits.MAX_PORT),
                FieldChecks.uint32(here + ": weight", proto.getWeight(), 0, Limits.MAX_WEIGHT), min, max,
                adminState(here, proto));
    }

    static HealthCheckConfig healthCheck(String at, io.fulcrum.proto.v1.HealthCheck proto)
            throws InvalidSnapshotException {
        String field = at + ": healthCheck.";
        HealthCheckType type = healthCheckType(field + "type", proto);
        Duration interval = FieldChecks.millis(field + "interval", proto.getIntervalMs(), Limits.HEALTH_CHECK_INTERVAL);
        Duration timeout = FieldChecks.millis(field + "timeout", proto.getTimeoutMs(),
                new Limits.MillisRange(1, interval.toMillis()));
        int rise = FieldChecks.uint32(field + "rise", proto.getRise(), 1, Limits.MAX_RISE_FALL);
        int fall = FieldChecks.uint32(field + "fall", proto.getFall(), 1, Limits.MAX_RISE_FALL);
        int port = FieldChecks.uint32(field + "port", proto.getPort(), 0, Limits.MAX_PORT);
        return switch (type) {
            case HTTP -> {
                checkExpectedStatus(field, proto);
                yield new HealthCheckConfig(type, interval, timeout, rise, fall, port, httpPath(field, proto),
                        proto.getHttpExpectedStatusMin(), proto.getHttpExpectedStatusMax(), "", "");
            }
            case UDP -> new HealthCheckConfig(type, interval, timeout, rise, fall, port, "", 0, 0,
                    udpPayload(field + "send", proto.getUdpSend(), false),
                    udpPayload(field + "expect", proto.getUdpExpect(), true));
            // Path, statuses and payloads mean nothing to other checks: whatever was sent is not kept.
            case NONE, CONNECT, PING -> new HealthCheckConfig(type, interval, timeout, rise, fall, port, "", 0, 0, "", "");
        };
    }

    private static String httpPath(String field, io.fulcrum.proto.v1.HealthCheck proto)
            throws InvalidSnapshotException {
        if (!Limits.validHttpPath(proto.getHttpPath())) {
            throw new InvalidSnapshotException(field + "path: " + FieldChecks.quote(proto.getHttpPath())
                    + " (expected 1.." + Limits.MAX_HTTP_PATH + " characters starting with /, printable ASCII"
                    + " without spaces)");
        }
        return proto.getHttpPath();
    }

    private static String udpPayload(String field, String text, boolean mayBeEmpty) throws InvalidSnapshotException {
        if (mayBeEmpty && text.isEmpty()) {
            return text;
        }
        if (!Limits.validUdpPayload(text)) {
            throw new InvalidSnapshotException(field + ": " + FieldChecks.quote(text) + " (expected 1.."
                    + Limits.MAX_UDP_PAYLOAD + " printable ASCII characters)");
        }
        return text;
    }

    private static void checkExpectedStatus(String field, io.fulcrum.proto.v1.HealthCheck proto)
            throws InvalidSnapshotException {
        long min = Integer.toUnsignedLong(proto.getHttpExpectedStatusMin());
        long max = Integer.toUnsignedLong(proto.getHttpExpectedStatusMax());
        if (min < Limits.MIN_HTTP_STATUS || max > Limits.MAX_HTTP_STATUS || min > max) {
            throw new InvalidSnapshotException(field + "expectStatus: " + min + "-" + max + " (expected min-max within "
                    + Limits.MIN_HTTP_STATUS + ".." + Limits.MAX_HTTP_STATUS + ", min <= max)");
        }
    }

    static PersistenceConfig persistence(String at, io.fulcrum.proto.v1.Persistence proto)
            throws InvalidSnapshotException {
        return switch (proto.getMode()) {
            case PERSISTENCE_MODE_NONE -> new PersistenceConfig(PersistenceMode.NONE, Duration.ZERO);
            case PERSISTENCE_MODE_SOURCE_IP -> new PersistenceConfig(PersistenceMode.SOURCE_IP,
                    FieldChecks.millis(at + ": persistence.timeout", proto.getTimeoutMs(), Limits.IDLE_TIMEOUT));
            case PERSISTENCE_MODE_UNSPECIFIED, UNRECOGNIZED -> throw unknown(at + ": persistence.mode",
                    io.fulcrum.proto.v1.PersistenceMode.class, proto.getModeValue());
        };
    }

    public static NodeReport toReport(NodeStatus status) {
        NodeReport.Builder report = NodeReport.newBuilder()
                .setAppliedVersion(status.appliedVersion())
                .setSentAtUnixMs(status.sentAtMillis())
                .addAllHeldAddresses(status.heldAddresses());
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
                    .setDroppedDatagrams(service.datagrams().dropped())
                    .setPersistenceEntries(service.persistenceEntries());
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

    private static Protocol protocol(String at, io.fulcrum.proto.v1.VirtualService proto)
            throws InvalidSnapshotException {
        return switch (proto.getProtocol()) {
            case PROTOCOL_TCP -> Protocol.TCP;
            case PROTOCOL_UDP -> Protocol.UDP;
            case PROTOCOL_UNSPECIFIED, UNRECOGNIZED -> throw unknown(at + ": protocol",
                    io.fulcrum.proto.v1.Protocol.class, proto.getProtocolValue());
        };
    }

    private static Layer layer(String at, io.fulcrum.proto.v1.VirtualService proto) throws InvalidSnapshotException {
        return switch (proto.getLayer()) {
            case LAYER_4 -> Layer.LAYER_4;
            case LAYER_7 -> Layer.LAYER_7;
            case LAYER_UNSPECIFIED, UNRECOGNIZED -> throw unknown(at + ": layer",
                    io.fulcrum.proto.v1.Layer.class, proto.getLayerValue());
        };
    }

    private static Algorithm algorithm(String at, io.fulcrum.proto.v1.VirtualService proto)
            throws InvalidSnapshotException {
        return switch (proto.getAlgorithm()) {
            case ALGORITHM_WEIGHTED_LEAST_CONNECTIONS -> Algorithm.WEIGHTED_LEAST_CONNECTIONS;
            case ALGORITHM_WEIGHTED_ROUND_ROBIN -> Algorithm.WEIGHTED_ROUND_ROBIN;
            case ALGORITHM_SOURCE_HASH -> Algorithm.SOURCE_HASH;
            case ALGORITHM_UNSPECIFIED, UNRECOGNIZED -> throw unknown(at + ": algorithm",
                    io.fulcrum.proto.v1.Algorithm.class, proto.getAlgorithmValue());
        };
    }

    private static HealthCheckType healthCheckType(String field, io.fulcrum.proto.v1.HealthCheck proto)
            throws InvalidSnapshotException {
        return switch (proto.getType()) {
            case HEALTH_CHECK_TYPE_NONE -> HealthCheckType.NONE;
            case HEALTH_CHECK_TYPE_CONNECT -> HealthCheckType.CONNECT;
            case HEALTH_CHECK_TYPE_PING -> HealthCheckType.PING;
            case HEALTH_CHECK_TYPE_HTTP -> HealthCheckType.HTTP;
            case HEALTH_CHECK_TYPE_UDP -> HealthCheckType.UDP;
            case HEALTH_CHECK_TYPE_UNSPECIFIED, UNRECOGNIZED -> throw unknown(field,
                    io.fulcrum.proto.v1.HealthCheckType.class, proto.getTypeValue());
        };
    }

    private static AdminState adminState(String here, io.fulcrum.proto.v1.RealServer proto)
            throws InvalidSnapshotException {
        return switch (proto.getState()) {
            case ADMIN_STATE_ONLINE -> AdminState.ONLINE;
            case ADMIN_STATE_DRAIN -> AdminState.DRAIN;
            case ADMIN_STATE_HALT -> AdminState.HALT;
            case ADMIN_STATE_UNSPECIFIED, UNRECOGNIZED -> throw unknown(here + ": state",
                    io.fulcrum.proto.v1.AdminState.class, proto.getStateValue());
        };
    }

    // An UNSPECIFIED or unrecognised enum value, with the values this node knows. The Java constants
    // are enough: building the enum's descriptor would cost a cold node a noticeable pause.
    private static <E extends Enum<E> & ProtocolMessageEnum> InvalidSnapshotException unknown(String field,
                                                                                            Class<E> type, int number) {
        String received = String.valueOf(number);
        List<String> known = new ArrayList<>();
        for (E value : type.getEnumConstants()) {
            // UNRECOGNIZED has no number of its own.
            if (value.name().equals("UNRECOGNIZED")) {
                continue;
            }
            if (value.getNumber() == number) {
                received = value.name();
            }
            if (value.getNumber() != 0) {
                known.add(value.name());
            }
        }
        return new InvalidSnapshotException(field + ": " + received + " (expected one of " + String.join(", ", known)
                + ")");
    }
}
