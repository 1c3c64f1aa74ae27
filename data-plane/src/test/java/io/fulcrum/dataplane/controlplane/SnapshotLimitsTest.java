package io.fulcrum.dataplane.controlplane;

import io.fulcrum.proto.v1.Endpoint;
import io.fulcrum.proto.v1.HealthCheck;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.Layer;
import io.fulcrum.proto.v1.Persistence;
import io.fulcrum.proto.v1.PersistenceMode;
import io.fulcrum.proto.v1.Protocol;
import io.fulcrum.proto.v1.RealServer;
import io.fulcrum.proto.v1.Snapshot;
import io.fulcrum.proto.v1.VirtualService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each bound of what a node accepts: just inside is mapped, just outside is refused naming the field. */
class SnapshotLimitsTest {
    private static final long DAY = 86_400_000L;
    private static final long IDLE_MAX = 24 * DAY;
    private static final long CONNECT_MAX = 300_000;
    private static final long HOUR = 3_600_000;
    // uint32 and uint64 values above the signed maximum, as Java reads them from the wire.
    private static final int UINT32_MAX = -1;
    private static final long UINT64_MAX = -1L;

    /** One bound: what the change does to a valid service, and the refusal expected (null: accepted). */
    record Case(String description, UnaryOperator<VirtualService.Builder> change, String refusal) {
        @Override
        public String toString() {
            return description;
        }
    }

    private static VirtualService.Builder web() {
        return TestProtos.virtualService("web", "127.0.0.10", 8080)
                .addRealServers(TestProtos.realServer("rs1", "127.0.0.21", 0));
    }

    private static Case accepts(String description, UnaryOperator<VirtualService.Builder> change) {
        return new Case(description + " is accepted", change, null);
    }

    private static Case refuses(String description, UnaryOperator<VirtualService.Builder> change, String refusal) {
        return new Case(description + " is refused", change, refusal);
    }

    private static UnaryOperator<VirtualService.Builder> check(UnaryOperator<HealthCheck.Builder> change) {
        return service -> service.setHealthCheck(change.apply(service.getHealthCheck().toBuilder()));
    }

    private static UnaryOperator<VirtualService.Builder> http(UnaryOperator<HealthCheck.Builder> change) {
        return service -> service.setHealthCheck(change.apply(TestProtos.check(HealthCheckType.HEALTH_CHECK_TYPE_HTTP)));
    }

    private static UnaryOperator<VirtualService.Builder> server(UnaryOperator<RealServer.Builder> change) {
        return service -> service.setRealServers(0, change.apply(service.getRealServers(0).toBuilder()));
    }

    private static UnaryOperator<VirtualService.Builder> sourceIp(long timeoutMs) {
        return service -> service.setPersistence(Persistence.newBuilder()
                .setMode(PersistenceMode.PERSISTENCE_MODE_SOURCE_IP).setTimeoutMs(timeoutMs));
    }

    private static UnaryOperator<VirtualService.Builder> ports(int count) {
        return service -> service.clearPorts().addAllPorts(IntStream.rangeClosed(1, count).boxed().toList());
    }

    static List<Case> bounds() {
        List<Case> cases = new ArrayList<>();
        String at = "virtual service web: ";
        String rs = at + "real server rs1: ";
        cases.add(accepts("a 64-character name", s -> s.setName("n".repeat(64))));
        cases.add(accepts("a name of every allowed character", s -> s.setName("Az09_.-")));
        cases.add(refuses("a 65-character name", s -> s.setName("n".repeat(65)),
                "virtual service: name: '" + "n".repeat(64) + "...(65 characters)' (expected 1..64 characters"));
        cases.add(refuses("an empty name", s -> s.setName(""), "virtual service: name: '' (expected"));
        cases.add(refuses("the name .", s -> s.setName("."), "virtual service: name: '.' (expected"));
        cases.add(refuses("the name ..", s -> s.setName(".."), "virtual service: name: '..' (expected"));
        cases.add(refuses("a name with NUL and a line break", s -> s.setName("we\u0000b\n"),
                "virtual service: name: 'we\\u0000b\\u000a' (expected"));
        cases.add(refuses("a name outside ASCII", s -> s.setName("wéb"), "virtual service: name: 'w\\u00e9b'"));
        cases.add(refuses("a label with a space", server(r -> r.setLabel("rs 1")),
                at + "real server: label: 'rs 1' (expected"));

        for (String field : List.of("clientIdleTimeout", "serverIdleTimeout", "flowIdleTimeout", "clientFirstByteTimeout")) {
            cases.add(accepts(field + " 1ms", idle(field, 1)));
            cases.add(accepts(field + " 24d", idle(field, IDLE_MAX)));
            if (field.equals("clientFirstByteTimeout")) {
                // 0 is what a control plane older than the field sends: no first-byte timeout of its own.
                cases.add(accepts(field + " 0 (absent)", idle(field, 0)));
            } else {
                cases.add(refuses(field + " 0", idle(field, 0), at + field + ": 0ms (expected 1ms..24d)"));
            }
            cases.add(refuses(field + " 24d+1ms", idle(field, IDLE_MAX + 1),
                    at + field + ": 2073600001ms (expected 1ms..24d)"));
            cases.add(refuses(field + " uint64 max", idle(field, UINT64_MAX),
                    at + field + ": 18446744073709551615ms (expected 1ms..24d)"));
        }
        cases.add(refuses("clientIdleTimeout 106752d", s -> s.setClientIdleTimeoutMs(106_752 * DAY),
                at + "clientIdleTimeout: 9223372800000ms (expected 1ms..24d)"));
        cases.add(refuses("clientIdleTimeout Long.MAX_VALUE", s -> s.setClientIdleTimeoutMs(Long.MAX_VALUE),
                at + "clientIdleTimeout: 9223372036854775807ms (expected 1ms..24d)"));
        cases.add(accepts("connectTimeout 1ms", s -> s.setConnectTimeoutMs(1)));
        cases.add(accepts("connectTimeout 5m", s -> s.setConnectTimeoutMs(CONNECT_MAX)));
        cases.add(refuses("connectTimeout 5m+1ms", s -> s.setConnectTimeoutMs(CONNECT_MAX + 1),
                at + "connectTimeout: 300001ms (expected 1ms..5m)"));
        cases.add(refuses("connectTimeout above Integer.MAX_VALUE ms", s -> s.setConnectTimeoutMs(1L << 31),
                at + "connectTimeout: 2147483648ms (expected 1ms..5m)"));

        cases.add(accepts("a persistence timeout of 1ms", sourceIp(1)));
        cases.add(accepts("a persistence timeout of 24d", sourceIp(IDLE_MAX)));
        cases.add(refuses("a persistence timeout of 0", sourceIp(0), at + "persistence.timeout: 0ms (expected 1ms..24d)"));
        cases.add(refuses("a persistence timeout of 24d+1ms", sourceIp(IDLE_MAX + 1),
                at + "persistence.timeout: 2073600001ms (expected 1ms..24d)"));
        cases.add(accepts("any timeout without persistence", s -> s.setPersistence(Persistence.newBuilder()
                .setMode(PersistenceMode.PERSISTENCE_MODE_NONE).setTimeoutMs(UINT64_MAX))));
        cases.add(refuses("an unspecified persistence mode", s -> s.clearPersistence(),
                at + "persistence.mode: PERSISTENCE_MODE_UNSPECIFIED (expected one of PERSISTENCE_MODE_NONE, "
                        + "PERSISTENCE_MODE_SOURCE_IP)"));
        cases.add(refuses("an unknown persistence mode", s -> s.setPersistence(Persistence.newBuilder()
                .setModeValue(99).setTimeoutMs(1000)), at + "persistence.mode: 99 (expected one of"));

        cases.add(accepts("a check interval of 100ms", check(c -> c.setIntervalMs(100).setTimeoutMs(100))));
        cases.add(accepts("a check interval of 1h", check(c -> c.setIntervalMs(HOUR))));
        cases.add(refuses("a check interval of 99ms", check(c -> c.setIntervalMs(99).setTimeoutMs(99)),
                at + "healthCheck.interval: 99ms (expected 100ms..1h)"));
        cases.add(refuses("a check interval of 1h+1ms", check(c -> c.setIntervalMs(HOUR + 1)),
                at + "healthCheck.interval: 3600001ms (expected 100ms..1h)"));
        cases.add(accepts("a check timeout of 1ms", check(c -> c.setTimeoutMs(1))));
        cases.add(accepts("a check timeout equal to the interval", check(c -> c.setIntervalMs(3000).setTimeoutMs(3000))));
        cases.add(refuses("a check timeout of 0", check(c -> c.setTimeoutMs(0)),
                at + "healthCheck.timeout: 0ms (expected 1ms..2s)"));
        cases.add(refuses("a check timeout above the interval", check(c -> c.setIntervalMs(3000).setTimeoutMs(3001)),
                at + "healthCheck.timeout: 3001ms (expected 1ms..3s)"));
        for (String field : List.of("rise", "fall")) {
            cases.add(accepts(field + " 1", riseOrFall(field, 1)));
            cases.add(accepts(field + " 100", riseOrFall(field, 100)));
            cases.add(refuses(field + " 0", riseOrFall(field, 0), at + "healthCheck." + field + ": 0 (expected 1..100)"));
            cases.add(refuses(field + " 101", riseOrFall(field, 101),
                    at + "healthCheck." + field + ": 101 (expected 1..100)"));
            cases.add(refuses(field + " uint32 max", riseOrFall(field, UINT32_MAX),
                    at + "healthCheck." + field + ": 4294967295 (expected 1..100)"));
        }
        cases.add(refuses("a check without timing, even of type none",
                s -> s.setHealthCheck(HealthCheck.newBuilder().setType(HealthCheckType.HEALTH_CHECK_TYPE_NONE)),
                at + "healthCheck.interval: 0ms (expected 100ms..1h)"));
        cases.add(accepts("check port 0", check(c -> c.setPort(0))));
        cases.add(accepts("check port 65535", check(c -> c.setPort(65535))));
        cases.add(refuses("check port 65536", check(c -> c.setPort(65536)),
                at + "healthCheck.port: 65536 (expected 0..65535)"));
        cases.add(refuses("an unknown check type", check(c -> c.setTypeValue(99)),
                at + "healthCheck.type: 99 (expected one of"));

        cases.add(accepts("the HTTP path /", http(c -> c.setHttpPath("/"))));
        cases.add(accepts("a 1024-character HTTP path", http(c -> c.setHttpPath("/" + "a".repeat(1023)))));
        cases.add(accepts("an HTTP path of every printable character", http(c -> c.setHttpPath("/!~%20?a=b&c#d"))));
        cases.add(refuses("a 1025-character HTTP path", http(c -> c.setHttpPath("/" + "a".repeat(1024))),
                at + "healthCheck.path: '/aaa"));
        cases.add(refuses("an empty HTTP path", http(c -> c.setHttpPath("")), at + "healthCheck.path: '' (expected"));
        cases.add(refuses("an HTTP path without a leading slash", http(c -> c.setHttpPath("health")),
                at + "healthCheck.path: 'health' (expected"));
        cases.add(refuses("an HTTP path with a space", http(c -> c.setHttpPath("/a b")),
                at + "healthCheck.path: '/a b' (expected"));
        cases.add(refuses("an HTTP path with CRLF", http(c -> c.setHttpPath("/\r\nHost: evil")),
                at + "healthCheck.path: '/\\u000d\\u000aHost: evil' (expected"));
        cases.add(refuses("an HTTP path with NUL", http(c -> c.setHttpPath("/\u0000")), at + "healthCheck.path:"));
        cases.add(refuses("an HTTP path with DEL", http(c -> c.setHttpPath("/\u007f")), at + "healthCheck.path:"));
        cases.add(refuses("an HTTP path outside ASCII", http(c -> c.setHttpPath("/é")), at + "healthCheck.path:"));
        cases.add(accepts("expected statuses 100..599",
                http(c -> c.setHttpExpectedStatusMin(100).setHttpExpectedStatusMax(599))));
        cases.add(accepts("one expected status", http(c -> c.setHttpExpectedStatusMin(204).setHttpExpectedStatusMax(204))));
        cases.add(refuses("an expected status of 99", http(c -> c.setHttpExpectedStatusMin(99)),
                at + "healthCheck.expectStatus: 99-399 (expected min-max within 100..599, min <= max)"));
        cases.add(refuses("an expected status of 600", http(c -> c.setHttpExpectedStatusMax(600)),
                at + "healthCheck.expectStatus: 200-600 (expected"));
        cases.add(refuses("expected statuses in the wrong order",
                http(c -> c.setHttpExpectedStatusMin(400).setHttpExpectedStatusMax(300)),
                at + "healthCheck.expectStatus: 400-300 (expected"));
        cases.add(refuses("missing expected statuses",
                http(c -> c.clearHttpExpectedStatusMin().clearHttpExpectedStatusMax()),
                at + "healthCheck.expectStatus: 0-0 (expected"));
        cases.add(accepts("a bad HTTP path on a connect check (not used)",
                check(c -> c.setHttpPath("/\r\n").setHttpExpectedStatusMin(7))));

        cases.add(accepts("maxFlows 1", s -> s.setMaxFlows(1)));
        cases.add(accepts("maxFlows 1,000,000", s -> s.setMaxFlows(1_000_000)));
        cases.add(refuses("maxFlows 0", s -> s.setMaxFlows(0), at + "maxFlows: 0 (expected 1..1000000)"));
        cases.add(refuses("maxFlows 1,000,001", s -> s.setMaxFlows(1_000_001), at + "maxFlows: 1000001 (expected"));
        cases.add(accepts("maxConnections 0 (no limit of its own)", s -> s.setMaxConnections(0)));
        cases.add(accepts("maxConnections 1,000,000", s -> s.setMaxConnections(1_000_000)));
        cases.add(refuses("maxConnections 1,000,001", s -> s.setMaxConnections(1_000_001),
                at + "maxConnections: 1000001 (expected 0..1000000)"));
        cases.add(accepts("maxConnectionsPerClient 1", s -> s.setMaxConnectionsPerClient(1)));
        cases.add(refuses("maxConnectionsPerClient 1,000,001", s -> s.setMaxConnectionsPerClient(1_000_001),
                at + "maxConnectionsPerClient: 1000001 (expected 0..1000000)"));

        cases.add(accepts("weight 0", server(r -> r.setWeight(0))));
        cases.add(accepts("weight 65535", server(r -> r.setWeight(65535))));
        cases.add(refuses("weight 65536", server(r -> r.setWeight(65536)), rs + "weight: 65536 (expected 0..65535)"));
        cases.add(refuses("weight uint32 max", server(r -> r.setWeight(UINT32_MAX)), rs + "weight: 4294967295"));
        cases.add(accepts("maxConnections 1,000,000", server(r -> r.setMaxConnections(1_000_000))));
        cases.add(accepts("minConnections 1,000,000 without a maximum", server(r -> r.setMinConnections(1_000_000))));
        cases.add(accepts("minConnections equal to maxConnections",
                server(r -> r.setMinConnections(3).setMaxConnections(3))));
        cases.add(refuses("maxConnections 1,000,001", server(r -> r.setMaxConnections(1_000_001)),
                rs + "maxConnections: 1000001 (expected 0..1000000)"));
        cases.add(refuses("maxConnections that reads as a negative int", server(r -> r.setMaxConnections(UINT32_MAX)),
                rs + "maxConnections: 4294967295 (expected 0..1000000)"));
        cases.add(refuses("minConnections 1,000,001", server(r -> r.setMinConnections(1_000_001)),
                rs + "minConnections: 1000001 (expected 0..1000000)"));
        cases.add(refuses("minConnections above maxConnections", server(r -> r.setMinConnections(4).setMaxConnections(3)),
                rs + "minConnections: 4 (expected 0..3)"));
        cases.add(accepts("real server port 65535", server(r -> r.setPort(65535))));
        cases.add(refuses("real server port 65536", server(r -> r.setPort(65536)), rs + "port: 65536 (expected 0..65535)"));
        cases.add(refuses("a real server host name", server(r -> r.setAddress("rs1.example")),
                rs + "address: 'rs1.example' (expected an IP address literal)"));
        cases.add(refuses("an unspecified admin state", server(r -> r.clearState()),
                rs + "state: ADMIN_STATE_UNSPECIFIED (expected one of"));
        cases.add(refuses("an unknown admin state", server(r -> r.setStateValue(99)), rs + "state: 99 (expected one of"));
        cases.add(refuses("a label used twice", s -> s.addRealServers(TestProtos.realServer("rs1", "127.0.0.22", 0)),
                rs + "label used twice"));

        cases.add(accepts("fallback port 0 (port following)", s -> s.setFallback(fallback(0))));
        cases.add(accepts("fallback port 65535", s -> s.setFallback(fallback(65535))));
        cases.add(refuses("fallback port 65536", s -> s.setFallback(fallback(65536)),
                at + "fallback.port: 65536 (expected 0..65535)"));
        cases.add(refuses("a fallback without an address", s -> s.setFallback(Endpoint.newBuilder().setPort(80)),
                at + "fallback.address: '' (expected an IP address literal)"));

        cases.add(accepts("64 ports", ports(64)));
        cases.add(accepts("ports 1 and 65535", s -> s.clearPorts().addPorts(1).addPorts(65535)));
        cases.add(refuses("65 ports", ports(65), at + "ports: 65 ports (expected 1..64 ports)"));
        cases.add(refuses("no ports", s -> s.clearPorts(), at + "ports: empty (expected 1..64 ports)"));
        cases.add(refuses("port 0", s -> s.clearPorts().addPorts(0), at + "ports: 0 (expected 1..65535)"));
        cases.add(refuses("port 65536", s -> s.clearPorts().addPorts(65536), at + "ports: 65536 (expected 1..65535)"));
        cases.add(refuses("a port listed twice", s -> s.addPorts(8080), at + "ports: 8080 listed twice"));

        cases.add(accepts("layer-4 TCP", s -> s.setLayer(Layer.LAYER_4)));
        cases.add(accepts("layer-4 UDP", s -> s.setProtocol(Protocol.PROTOCOL_UDP).setLayer(Layer.LAYER_4)));
        cases.add(refuses("layer-7 UDP", s -> s.setProtocol(Protocol.PROTOCOL_UDP),
                at + "layer: LAYER_7 (expected LAYER_4 with protocol UDP: layer 7 needs TCP)"));
        cases.add(refuses("PROXY protocol at layer 4", s -> s.setLayer(Layer.LAYER_4).setProxyProtocol(true),
                at + "proxyProtocol: true (expected false at layer 4"));
        cases.add(refuses("an unspecified protocol", s -> s.clearProtocol(), at + "protocol: PROTOCOL_UNSPECIFIED"));
        cases.add(refuses("an unknown protocol", s -> s.setProtocolValue(99), at + "protocol: 99 (expected one of"));
        cases.add(refuses("an unspecified layer", s -> s.clearLayer(), at + "layer: LAYER_UNSPECIFIED (expected one of"));
        cases.add(refuses("an unspecified algorithm", s -> s.clearAlgorithm(),
                at + "algorithm: ALGORITHM_UNSPECIFIED (expected one of ALGORITHM_WEIGHTED_LEAST_CONNECTIONS, "
                        + "ALGORITHM_WEIGHTED_ROUND_ROBIN, ALGORITHM_SOURCE_HASH)"));
        cases.add(refuses("an unknown algorithm", s -> s.setAlgorithmValue(99), at + "algorithm: 99 (expected one of"));
        return cases;
    }

    private static UnaryOperator<VirtualService.Builder> idle(String field, long millis) {
        return switch (field) {
            case "clientIdleTimeout" -> s -> s.setClientIdleTimeoutMs(millis);
            case "serverIdleTimeout" -> s -> s.setServerIdleTimeoutMs(millis);
            case "flowIdleTimeout" -> s -> s.setFlowIdleTimeoutMs(millis);
            case "clientFirstByteTimeout" -> s -> s.setClientFirstByteTimeoutMs(millis);
            default -> throw new IllegalArgumentException(field);
        };
    }

    private static UnaryOperator<VirtualService.Builder> riseOrFall(String field, int value) {
        return check(c -> field.equals("rise") ? c.setRise(value) : c.setFall(value));
    }

    private static Endpoint fallback(int port) {
        return Endpoint.newBuilder().setAddress("127.0.0.30").setPort(port).build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bounds")
    void eachBoundAcceptsJustInsideAndRefusesJustOutsideNamingTheField(Case bound) throws Exception {
        Snapshot snapshot = TestProtos.snapshot(1, bound.change().apply(web()));
        if (bound.refusal() == null) {
            assertEquals(1, ProtoMapper.toSnapshot(snapshot).virtualServices().size());
        } else {
            String reason = assertThrows(InvalidSnapshotException.class, () -> ProtoMapper.toSnapshot(snapshot))
                    .getMessage();
            assertTrue(reason.startsWith(bound.refusal()), () -> "expected '" + bound.refusal() + "...', got '"
                    + reason + "'");
        }
    }

    @Test
    void aSnapshotHoldsAtMost10000VirtualServices() throws Exception {
        Snapshot.Builder snapshot = Snapshot.newBuilder().setVersion(1);
        VirtualService web = web().build();
        for (int i = 0; i < 10_000; i++) {
            snapshot.addVirtualServices(web.toBuilder().setName("vs" + i));
        }
        assertEquals(10_000, ProtoMapper.toSnapshot(snapshot.build()).virtualServices().size());
        snapshot.addVirtualServices(web().setName("one-more"));
        assertEquals("virtualServices: 10001 (expected at most 10000)",
                assertThrows(InvalidSnapshotException.class, () -> ProtoMapper.toSnapshot(snapshot.build())).getMessage());
    }

    @Test
    void aVirtualServiceHoldsAtMost10000RealServers() throws Exception {
        VirtualService.Builder service = web().clearRealServers();
        for (int i = 0; i < 10_000; i++) {
            service.addRealServers(TestProtos.realServer("rs" + i, "127.0.1." + (i % 250), 0));
        }
        assertEquals(10_000, ProtoMapper.toSnapshot(TestProtos.snapshot(1, service)).virtualServices().get(0)
                .realServers().size());
        service.addRealServers(TestProtos.realServer("one-more", "127.0.0.22", 0));
        assertEquals("virtual service web: realServers: 10001 (expected at most 10000)",
                assertThrows(InvalidSnapshotException.class,
                        () -> ProtoMapper.toSnapshot(TestProtos.snapshot(1, service))).getMessage());
    }

    @Test
    void namesAreUniqueInTheSnapshot() {
        assertEquals("virtual service web: name used twice", assertThrows(InvalidSnapshotException.class,
                () -> ProtoMapper.toSnapshot(TestProtos.snapshot(1, web(), web().setAddress("127.0.0.11")))).getMessage());
    }
}
