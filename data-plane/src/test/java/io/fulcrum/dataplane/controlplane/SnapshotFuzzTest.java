package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.LastGoodSnapshotStore;
import io.fulcrum.dataplane.config.Layer;
import io.fulcrum.dataplane.config.PersistenceMode;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.proto.v1.Endpoint;
import io.fulcrum.proto.v1.HealthCheck;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.Persistence;
import io.fulcrum.proto.v1.RealServer;
import io.fulcrum.proto.v1.VirtualService;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pushes generated snapshots, mostly valid with a few extreme or malformed values mixed in,
 * through the real applier and runtime: the node either serves a snapshot whose every value it
 * can honour, or refuses it with a reason and keeps what it served. Listeners bind only on
 * 127.77.0.x with ports this test picked; real servers and fallbacks are on 127.77.1.x, where
 * nothing of the test listens, so health checks are refused at once and nothing loops back.
 */
class SnapshotFuzzTest {
    private static final long DAY = 86_400_000L;
    private static final long IDLE_MAX = 24 * DAY;
    private static final List<Long> EXTREME_MILLIS = List.of(0L, 1L, 2L, 99L, 100L, 101L, 299_999L, 300_000L,
            300_001L, 3_599_999L, 3_600_000L, 3_600_001L, IDLE_MAX - 1, IDLE_MAX, IDLE_MAX + 1,
            (long) Integer.MAX_VALUE, 1L << 31, 106_752L * DAY, Long.MAX_VALUE, Long.MIN_VALUE, -1L);
    private static final List<Integer> EXTREME_UINT32 = List.of(0, 1, 2, 99, 100, 101, 599, 600, 65_534, 65_535,
            65_536, 999_999, 1_000_000, 1_000_001, Integer.MAX_VALUE, Integer.MIN_VALUE, -1);
    private static final List<String> ODD_NAMES = List.of("", ".", "..", "...", "-", "_", "a".repeat(64),
            "a".repeat(65), "web\u0000", "w\u00e9b", "\u540d\u524d", "a b", "a/b", "a\r\nb", "\ud83d\ude00", "\ud800",
            "web\t", "x".repeat(10_000));
    private static final List<String> ODD_ADDRESSES = List.of("", "localhost", ".:", "::1", "::ffff:127.77.0.9",
            "127.77.0.256", "127.77.0.5 ", "1.2.3.4.5", "[::1]", "fe80::1%lo", "0x7f.1.1.1", "\u0663.\u0663.\u0663.\u0663",
            "127.77.0.5\u0000", "1".repeat(100), ":".repeat(45), "127.77.1.200", "::ffff:127.77.1.9");
    // Free when the class loads and below the ephemeral range, so no other socket takes them meanwhile.
    private static final List<Integer> POOL = List.of(FreePorts.next(), FreePorts.next(), FreePorts.next(),
            FreePorts.next());
    private static final List<String> ODD_PATHS = List.of("", "/", "x", "//", "/a b", "/\r\nHost: x", "/\u0000",
            "/\u00e9", "/\u007f", "/\t", "/%0d%0a", "/" + "a".repeat(1023), "/" + "a".repeat(1024), "\u0000");

    private final Logger nodeLog = Logger.getLogger("io.fulcrum.dataplane");
    private RuntimeFixture fixture;
    private SnapshotApplier applier;
    private Path stateDir;
    private long nextVersion = 1;

    @BeforeProperty
    void startNode() throws IOException {
        // A line per apply, refusal and health transition would cost more than the tries themselves.
        nodeLog.setLevel(Level.SEVERE);
        fixture = new RuntimeFixture();
        stateDir = Files.createTempDirectory("fuzz-node");
        applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
    }

    @AfterProperty
    void stopNode() throws IOException {
        applier.close();
        fixture.close();
        nodeLog.setLevel(null);
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    @Property(tries = 1000)
    void everyPushedSnapshotIsServedWithinTheLimitsOrRefusedWithAReason(
            @ForAll("snapshots") List<VirtualService> services) {
        long version = nextVersion++;
        io.fulcrum.proto.v1.Snapshot proto = io.fulcrum.proto.v1.Snapshot.newBuilder().setVersion(version)
                .addAllVirtualServices(services).build();
        Snapshot before = fixture.runtime.current();

        NodeMessage answer = assertDoesNotThrow(() -> applier.apply(proto));

        assertNotEquals(answer.hasAck(), answer.hasNack(), answer::toString);
        if (answer.hasNack()) {
            String reason = answer.getNack().getReason();
            Statistics.label("answer").collect("nack");
            Statistics.label("refused field").collect(field(reason));
            assertEquals(version, answer.getNack().getVersion());
            assertFalse(reason.isBlank(), "a nack names its reason");
            assertFalse(reason.startsWith("internal error"), reason);
            assertEquals(before.version(), fixture.runtime.appliedVersion());
            assertSame(before, fixture.runtime.current(), "a nack keeps the snapshot being served");
        } else {
            Statistics.label("answer").collect("ack");
            assertEquals(version, answer.getAck().getVersion());
            assertEquals(version, fixture.runtime.appliedVersion());
            assertServable(fixture.runtime.current());
        }
    }

    // The refused field for the statistics: "virtual service web: real server a: weight: 70000 (...)" is "weight".
    private static String field(String reason) {
        if (reason.contains("both listen on")) {
            return "listener used twice";
        }
        if (reason.contains("cannot listen on")) {
            return "bind";
        }
        String rest = reason.replaceFirst("^virtual service( [^:]*)?: ", "").replaceFirst("^real server( [^:]*)?: ", "");
        int colon = rest.indexOf(": ");
        return colon > 0 ? rest.substring(0, colon) : rest;
    }

    /**
     * Every value of an applied snapshot within what a node accepts (the numbers of the data-plane
     * guide, written out here rather than taken from Limits), and usable as the proxy uses it.
     */
    private static void assertServable(Snapshot snapshot) {
        assertTrue(snapshot.virtualServices().size() <= 10_000);
        Set<String> names = new HashSet<>();
        for (VirtualServiceConfig service : snapshot.virtualServices()) {
            String at = service.name();
            assertTrue(validName(at) && names.add(at), at);
            assertTrue(!service.ports().isEmpty() && service.ports().size() <= 64, at);
            assertEquals(service.ports().size(), Set.copyOf(service.ports()).size(), at);
            service.ports().forEach(port -> assertTrue(port >= 1 && port <= 65_535, at));
            assertTrue(service.layer() == Layer.LAYER_4 || service.protocol() == io.fulcrum.dataplane.config.Protocol.TCP);
            assertTrue(!service.proxyProtocol() || service.layer() == Layer.LAYER_7, at);
            assertTrue(within(1, IDLE_MAX, service.clientIdleTimeout()), at);
            assertTrue(within(1, IDLE_MAX, service.serverIdleTimeout()), at);
            assertTrue(within(1, IDLE_MAX, service.flows().idleTimeout()), at);
            assertTrue(within(1, 300_000, service.connectTimeout()), at);
            // As IdleTimer and the connect option use them: nanos as a long, millis as an int.
            assertDoesNotThrow(() -> service.clientIdleTimeout().toNanos() + service.serverIdleTimeout().toNanos());
            assertDoesNotThrow(() -> Math.toIntExact(service.connectTimeout().toMillis()));
            assertDoesNotThrow(() -> Math.toIntExact(service.flows().idleTimeout().toMillis()));
            assertTrue(service.flows().maxFlows() >= 1 && service.flows().maxFlows() <= 1_000_000, at);
            if (service.persistence().mode() == PersistenceMode.SOURCE_IP) {
                assertTrue(within(1, IDLE_MAX, service.persistence().timeout()), at);
            } else {
                assertEquals(Duration.ZERO, service.persistence().timeout(), "nothing kept that is not used");
            }
            assertCheckServable(at, service.healthCheck());
            if (service.fallback() != null) {
                assertTrue(service.fallback().port() >= 0 && service.fallback().port() <= 65_535, at);
            }
            assertTrue(service.realServers().size() <= 10_000, at);
            Set<String> labels = new HashSet<>();
            for (RealServerConfig server : service.realServers()) {
                assertTrue(validName(server.label()) && labels.add(server.label()), at);
                assertTrue(server.port() >= 0 && server.port() <= 65_535, at);
                assertTrue(server.weight() >= 0 && server.weight() <= 65_535, at);
                assertTrue(server.maxConnections() >= 0 && server.maxConnections() <= 1_000_000, at);
                assertTrue(server.minConnections() >= 0 && server.minConnections() <= 1_000_000, at);
                assertTrue(server.maxConnections() == 0 || server.minConnections() <= server.maxConnections(), at);
            }
        }
    }

    // Whole milliseconds within min..max: what the mapper makes of the wire's uint64 ms.
    private static boolean within(long min, long max, Duration duration) {
        long millis = duration.toMillis();
        return millis >= min && millis <= max && duration.equals(Duration.ofMillis(millis));
    }

    private static boolean validName(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,64}") && !name.equals(".") && !name.equals("..");
    }

    private static void assertCheckServable(String at, HealthCheckConfig check) {
        assertTrue(within(100, 3_600_000, check.interval()), at);
        assertTrue(within(1, check.interval().toMillis(), check.timeout()), at);
        assertTrue(check.rise() >= 1 && check.rise() <= 100, at);
        assertTrue(check.fall() >= 1 && check.fall() <= 100, at);
        assertTrue(check.port() >= 0 && check.port() <= 65_535, at);
        if (check.type() == io.fulcrum.dataplane.config.HealthCheckType.HTTP) {
            assertTrue(check.httpPath().matches("/[\\x21-\\x7e]{0,1023}"), at);
            assertTrue(check.expectedStatusMin() >= 100
                    && check.expectedStatusMin() <= check.expectedStatusMax()
                    && check.expectedStatusMax() <= 599, at);
        } else {
            assertEquals("", check.httpPath(), "nothing kept that is not used");
            assertEquals(0, check.expectedStatusMin() + check.expectedStatusMax(), at);
        }
    }

    // ---- generators ---------------------------------------------------------------------------

    /** A change to the services of a snapshot being built; the description shows in failure reports. */
    record Mutation(String description, Consumer<List<VirtualService.Builder>> change) {
        @Override
        public String toString() {
            return description;
        }
    }

    @Provide
    Arbitrary<List<VirtualService>> snapshots() {
        Arbitrary<List<VirtualService.Builder>> services = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(List.<VirtualService.Builder>of())),
                Tuple.of(6, service(0).map(List::of)),
                Tuple.of(3, Combinators.combine(service(0), service(1)).as(List::of)));
        Arbitrary<List<Mutation>> mutations = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<Mutation>of())),
                Tuple.of(9, mutation().map(List::of)),
                Tuple.of(8, mutation().list().ofSize(2)));
        return Combinators.combine(services, mutations).as((built, changes) -> {
            List<VirtualService.Builder> copies = new ArrayList<>();
            built.forEach(service -> copies.add(service.clone()));
            changes.forEach(change -> change.change().accept(copies));
            return copies.stream().map(VirtualService.Builder::build).toList();
        });
    }

    // Service i listens on its own address, so only mutations make listeners collide.
    private Arbitrary<VirtualService.Builder> service(int index) {
        // Mostly the same listeners as the previous try, so most applies swap settings and some rebind.
        Arbitrary<List<Integer>> ports = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.just(List.of(POOL.get(index)))),
                Tuple.of(1, Arbitraries.of(POOL).set().ofMinSize(1).ofMaxSize(3).map(List::copyOf)));
        Arbitrary<int[]> transport = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.just(new int[]{1, 2})),
                Tuple.of(1, Arbitraries.of(new int[]{1, 1}, new int[]{2, 1})));
        Arbitrary<Long> idle = inside(1, IDLE_MAX);
        return Combinators.combine(ports, transport, Arbitraries.integers().between(1, 3), persistence(),
                        healthCheck(), Combinators.combine(idle, idle, idle, inside(1, 300_000)).as(List::of),
                        inside(1, 1_000_000), realServers())
                .as((portList, protocolAndLayer, algorithm, persistence, check, timeouts, maxFlows, servers) -> {
                    VirtualService.Builder service = TestProtos.virtualService(List.of("web", "api").get(index),
                            "127.77.0." + (index + 1)).addAllPorts(portList)
                            .setProtocolValue(protocolAndLayer[0]).setLayerValue(protocolAndLayer[1])
                            .setAlgorithmValue(algorithm).setPersistence(persistence).setHealthCheck(check)
                            .setClientIdleTimeoutMs(timeouts.get(0)).setServerIdleTimeoutMs(timeouts.get(1))
                            .setFlowIdleTimeoutMs(timeouts.get(2)).setConnectTimeoutMs(timeouts.get(3))
                            .setMaxFlows(maxFlows.intValue()).addAllRealServers(servers);
                    if (maxFlows % 3 == 0) {
                        service.setFallback(Endpoint.newBuilder().setAddress("127.77.1.250")
                                .setPort((int) (maxFlows % 65536)));
                    }
                    return service;
                });
    }

    private static Arbitrary<Persistence> persistence() {
        return Arbitraries.oneOf(
                Arbitraries.just(Persistence.newBuilder()
                        .setMode(io.fulcrum.proto.v1.PersistenceMode.PERSISTENCE_MODE_NONE).build()),
                inside(1, IDLE_MAX).map(timeout -> Persistence.newBuilder()
                        .setMode(io.fulcrum.proto.v1.PersistenceMode.PERSISTENCE_MODE_SOURCE_IP).setTimeoutMs(timeout)
                        .build()));
    }

    private Arbitrary<HealthCheck> healthCheck() {
        Arbitrary<HealthCheckType> type = Arbitraries.of(HealthCheckType.HEALTH_CHECK_TYPE_NONE,
                HealthCheckType.HEALTH_CHECK_TYPE_CONNECT, HealthCheckType.HEALTH_CHECK_TYPE_PING,
                HealthCheckType.HEALTH_CHECK_TYPE_HTTP);
        Arbitrary<long[]> timing = inside(100, 3_600_000).flatMap(interval -> inside(1, interval)
                .map(timeout -> new long[]{interval, timeout}));
        Arbitrary<Integer> riseFall = inside(1, 100).map(Long::intValue);
        Arbitrary<int[]> status = inside(100, 599).flatMap(min -> inside(min, 599)
                .map(max -> new int[]{min.intValue(), max.intValue()}));
        Arbitrary<Integer> port = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.of(POOL));
        return Combinators.combine(type, timing, riseFall, riseFall, port, Arbitraries.of("/", "/health?x=1"), status)
                .as((checkType, times, rise, fall, checkPort, path, statuses) -> TestProtos.check(checkType)
                        .setIntervalMs(times[0]).setTimeoutMs(times[1]).setRise(rise).setFall(fall).setPort(checkPort)
                        .setHttpPath(path).setHttpExpectedStatusMin(statuses[0]).setHttpExpectedStatusMax(statuses[1])
                        .build());
    }

    private Arbitrary<List<RealServer>> realServers() {
        Arbitrary<RealServer> server = Combinators.combine(Arbitraries.integers().between(1, 8),
                        Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.of(POOL)), inside(0, 65_535),
                        inside(0, 1_000_000), Arbitraries.integers().between(1, 3))
                .as((host, port, weight, max, state) -> TestProtos.realServer("rs" + host, "127.77.1." + host, port)
                        .setWeight(weight.intValue()).setMaxConnections(max.intValue())
                        .setMinConnections((int) (max / 2)).setStateValue(state).build());
        return server.list().ofMaxSize(4).uniqueElements(RealServer::getLabel);
    }

    /** Mostly random inside min..max, often exactly on either end. */
    private static Arbitrary<Long> inside(long min, long max) {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.of(min, max)),
                Tuple.of(2, Arbitraries.longs().between(min, max)));
    }

    private static Arbitrary<Mutation> mutation() {
        Arbitrary<Mutation> millis = Combinators.combine(Arbitraries.of(MILLIS_FIELDS), Arbitraries.of(EXTREME_MILLIS))
                .as((field, value) -> onService(field.name + " = " + Long.toUnsignedString(value),
                        service -> field.set.accept(service, value)));
        Arbitrary<Mutation> uint32 = Combinators.combine(Arbitraries.of(UINT32_FIELDS), Arbitraries.of(EXTREME_UINT32))
                .as((field, value) -> onService(field.name + " = " + Integer.toUnsignedString(value),
                        service -> field.set.accept(service, value)));
        Arbitrary<Mutation> enums = Combinators.combine(Arbitraries.of(ENUM_FIELDS),
                        Arbitraries.of(0, 1, 2, 3, 4, 5, 99, -1))
                .as((field, value) -> onService(field.name + " = " + value, service -> field.set.accept(service, value)));
        Arbitrary<Mutation> texts = Arbitraries.oneOf(
                text("name", ODD_NAMES, VirtualService.Builder::setName),
                text("label", ODD_NAMES, (s, v) -> onRealServer(s, r -> r.setLabel(v))),
                text("address", ODD_ADDRESSES, VirtualService.Builder::setAddress),
                text("real server address", ODD_ADDRESSES, (s, v) -> onRealServer(s, r -> r.setAddress(v))),
                text("fallback address", ODD_ADDRESSES, (s, v) -> s.setFallback(s.getFallback().toBuilder().setAddress(v))),
                text("http path", ODD_PATHS, (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder()
                        .setType(HealthCheckType.HEALTH_CHECK_TYPE_HTTP).setHttpPath(v))));
        return Arbitraries.frequencyOf(Tuple.of(4, millis), Tuple.of(4, uint32), Tuple.of(2, enums),
                Tuple.of(3, texts), Tuple.of(3, Arbitraries.of(STRUCTURAL)));
    }

    private static Arbitrary<Mutation> text(String field, List<String> values,
                                            BiConsumer<VirtualService.Builder, String> set) {
        return Arbitraries.of(values).map(value -> onService(field + " = " + FieldChecks.quote(value),
                service -> set.accept(service, value)));
    }

    // Applies to the last service; a snapshot without services stays as it is.
    private static Mutation onService(String description, Consumer<VirtualService.Builder> change) {
        return new Mutation(description, services -> {
            if (!services.isEmpty()) {
                change.accept(services.get(services.size() - 1));
            }
        });
    }

    private static void onRealServer(VirtualService.Builder service, UnaryOperator<RealServer.Builder> change) {
        if (service.getRealServersCount() == 0) {
            service.addRealServers(TestProtos.realServer("added", "127.77.1.9", 0));
        }
        service.setRealServers(0, change.apply(service.getRealServers(0).toBuilder()));
    }

    private record Field<T>(String name, BiConsumer<VirtualService.Builder, T> set) {
    }

    private static final List<Field<Long>> MILLIS_FIELDS = List.of(
            new Field<Long>("clientIdleTimeout", VirtualService.Builder::setClientIdleTimeoutMs),
            new Field<Long>("serverIdleTimeout", VirtualService.Builder::setServerIdleTimeoutMs),
            new Field<Long>("flowIdleTimeout", VirtualService.Builder::setFlowIdleTimeoutMs),
            new Field<Long>("connectTimeout", VirtualService.Builder::setConnectTimeoutMs),
            new Field<Long>("persistence.timeout", (s, v) -> s.setPersistence(s.getPersistence().toBuilder().setTimeoutMs(v))),
            new Field<Long>("healthCheck.interval", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder().setIntervalMs(v))),
            new Field<Long>("healthCheck.timeout", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder().setTimeoutMs(v))));

    private static final List<Field<Integer>> UINT32_FIELDS = List.of(
            new Field<Integer>("maxFlows", VirtualService.Builder::setMaxFlows),
            new Field<Integer>("ports[0]", (s, v) -> {
                if (s.getPortsCount() == 0) {
                    s.addPorts(v);
                } else {
                    s.setPorts(0, v);
                }
            }),
            new Field<Integer>("another port", VirtualService.Builder::addPorts),
            new Field<Integer>("fallback.port", (s, v) -> s.setFallback(s.getFallback().toBuilder()
                    .setAddress("127.77.1.251").setPort(v))),
            new Field<Integer>("healthCheck.rise", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder().setRise(v))),
            new Field<Integer>("healthCheck.fall", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder().setFall(v))),
            new Field<Integer>("healthCheck.port", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder().setPort(v))),
            new Field<Integer>("healthCheck.expectStatus min", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder()
                    .setHttpExpectedStatusMin(v))),
            new Field<Integer>("healthCheck.expectStatus max", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder()
                    .setHttpExpectedStatusMax(v))),
            new Field<Integer>("real server port", (s, v) -> onRealServer(s, r -> r.setPort(v))),
            new Field<Integer>("weight", (s, v) -> onRealServer(s, r -> r.setWeight(v))),
            new Field<Integer>("minConnections", (s, v) -> onRealServer(s, r -> r.setMinConnections(v))),
            new Field<Integer>("maxConnections", (s, v) -> onRealServer(s, r -> r.setMaxConnections(v))));

    // setXxxValue with any number: 0 is UNSPECIFIED, unknown numbers read as UNRECOGNIZED.
    private static final List<Field<Integer>> ENUM_FIELDS = List.of(
            new Field<Integer>("protocol", VirtualService.Builder::setProtocolValue),
            new Field<Integer>("layer", VirtualService.Builder::setLayerValue),
            new Field<Integer>("algorithm", VirtualService.Builder::setAlgorithmValue),
            new Field<Integer>("persistence.mode", (s, v) -> s.setPersistence(s.getPersistence().toBuilder().setModeValue(v))),
            new Field<Integer>("healthCheck.type", (s, v) -> s.setHealthCheck(s.getHealthCheck().toBuilder().setTypeValue(v))),
            new Field<Integer>("state", (s, v) -> onRealServer(s, r -> r.setStateValue(v))));

    private static final List<Mutation> STRUCTURAL = List.of(
            new Mutation("no services", List::clear),
            new Mutation("a name used twice", services -> {
                if (!services.isEmpty()) {
                    services.add(services.get(0).clone().setAddress("127.77.0.9"));
                }
            }),
            new Mutation("a listener used twice", services -> {
                if (!services.isEmpty()) {
                    services.add(services.get(0).clone().setName("copy"));
                }
            }),
            onService("no ports", VirtualService.Builder::clearPorts),
            onService("65 ports", s -> s.clearPorts().addAllPorts(IntStream.rangeClosed(1, 65).boxed().toList())),
            onService("a port listed twice", s -> s.addPorts(s.getPortsCount() == 0 ? POOL.get(0) : s.getPorts(0))),
            onService("no real servers", VirtualService.Builder::clearRealServers),
            onService("a label used twice", s -> s.addRealServers(TestProtos.realServer("twice", "127.77.1.10", 0))
                    .addRealServers(TestProtos.realServer("twice", "127.77.1.11", 0))),
            onService("no health check", VirtualService.Builder::clearHealthCheck),
            onService("no persistence", VirtualService.Builder::clearPersistence),
            onService("PROXY protocol", s -> s.setProxyProtocol(true)),
            onService("layer 7", s -> s.setLayerValue(2)),
            onService("a fallback without an address", s -> s.setFallback(Endpoint.newBuilder().setPort(80))));
}
