package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.LastGoodSnapshotStore;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import io.fulcrum.dataplane.testing.UdpClient;
import io.fulcrum.dataplane.testing.UdpEchoServer;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.Layer;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.Persistence;
import io.fulcrum.proto.v1.PersistenceMode;
import io.fulcrum.proto.v1.Protocol;
import io.fulcrum.proto.v1.RealServer;
import io.fulcrum.proto.v1.VirtualService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.fulcrum.dataplane.controlplane.TestProtos.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotApplierTest {

    private static VirtualService.Builder service(String name, int port, int realServerPort, int weight) {
        return TestProtos.virtualService(name, "127.0.0.1", port)
                .setHealthCheck(TestProtos.check(HealthCheckType.HEALTH_CHECK_TYPE_NONE))
                .addRealServers(TestProtos.realServer("a", "127.0.0.1", realServerPort).setWeight(weight));
    }

    @Test
    void aNackKeepsTheOldConfigServingAndTheNextChangeIsApplied(@TempDir Path stateDir) throws Exception {
        int webPort = FreePorts.next();
        int apiPort = FreePorts.next();
        try (RuntimeFixture fixture = new RuntimeFixture();
             TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0)) {
            SnapshotApplier applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
            try {
                assertTrue(applier.apply(snapshot(1, service("web", webPort, a.port(), 100),
                        service("api", apiPort, a.port(), 100))).hasAck());
                VirtualServiceConfig web = fixture.runtime.current().virtualServices().get(0);

                // api changes, but a new service claims web's socket: the whole snapshot is refused.
                NodeMessage refused = applier.apply(snapshot(2, service("web", webPort, a.port(), 100),
                        service("api", apiPort, a.port(), 5), service("clash", webPort, a.port(), 100)));
                assertTrue(refused.hasNack());
                assertEquals(2, refused.getNack().getVersion());
                assertTrue(refused.getNack().getReason().contains("both listen on"), refused.getNack().getReason());
                assertEquals(1, fixture.runtime.appliedVersion());
                assertEquals(100, fixture.runtime.current().virtualServices().get(1).realServers().get(0).weight());
                try (TestClient client = new TestClient("127.0.0.1", webPort)) {
                    assertEquals("a", client.readLine());
                }

                NodeMessage applied = applier.apply(snapshot(3, service("web", webPort, a.port(), 100),
                        service("api", apiPort, a.port(), 5)));
                assertTrue(applied.hasAck());
                assertEquals(3, fixture.runtime.appliedVersion());
                assertSame(web, fixture.runtime.current().virtualServices().get(0), "unchanged service reused");
                assertEquals(5, fixture.runtime.current().virtualServices().get(1).realServers().get(0).weight());
                try (TestClient client = new TestClient("127.0.0.1", apiPort)) {
                    assertEquals("a", client.readLine());
                }
            } finally {
                applier.close();
            }
        }
    }

    @Test
    void anIdleTimeoutTheNodeCannotHonourIsNackedLoggedAndTheOldSnapshotKeepsServing(@TempDir Path stateDir)
            throws Exception {
        int port = FreePorts.next();
        Logger logger = Logger.getLogger(SnapshotApplier.class.getName());
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler recorder = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(recorder);
        try (RuntimeFixture fixture = new RuntimeFixture();
             TestRealServer a = TestRealServer.start("a", "127.0.0.41", 0)) {
            SnapshotApplier applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
            try {
                assertTrue(applier.apply(snapshot(1, onLoopback(port, a))).hasAck());
                try (TestClient open = new TestClient("127.0.0.40", port)) {
                    assertEquals("a", open.readLine());

                    // 106752 days: about 292 years, where Duration.toNanos overflows in every new connection.
                    long days106752 = 106_752L * 86_400_000L;
                    NodeMessage answer = applier.apply(snapshot(2, onLoopback(port, a)
                            .setClientIdleTimeoutMs(days106752)));
                    assertTrue(answer.hasNack(), answer.toString());
                    String reason = "virtual service web: clientIdleTimeout: 9223372800000ms (expected 1ms..24d)";
                    assertEquals(reason, answer.getNack().getReason());
                    assertEquals(1, fixture.runtime.appliedVersion());
                    assertTrue(warnings.stream().anyMatch(r -> r.getMessage().contains("refused snapshot version 2")
                            && r.getMessage().contains(reason)), "a warning names the refused value");

                    assertBytesGoBothWays(open, "still open");
                    try (TestClient fresh = new TestClient("127.0.0.40", port)) {
                        assertEquals("a", fresh.readLine());
                        assertBytesGoBothWays(fresh, "new connection");
                    }
                }
            } finally {
                applier.close();
            }
        } finally {
            logger.removeHandler(recorder);
        }
    }

    @Test
    void theLargestAcceptedValuesAreAckedAndCarryRealConnections(@TempDir Path stateDir) throws Exception {
        int port = FreePorts.next();
        int udpPort = FreePorts.next();
        try (RuntimeFixture fixture = new RuntimeFixture();
             TestRealServer a = TestRealServer.start("a", "127.0.0.41", 0);
             UdpEchoServer echo = UdpEchoServer.start("echo", "127.0.0.42");
             UdpClient udpClient = new UdpClient("127.0.0.43", "127.0.0.40", udpPort)) {
            SnapshotApplier applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
            try {
                VirtualService.Builder tcp = largest(onLoopback(port, a), HealthCheckType.HEALTH_CHECK_TYPE_CONNECT);
                VirtualService.Builder udp = largest(TestProtos.virtualService("udp", "127.0.0.40", udpPort)
                        .setProtocol(Protocol.PROTOCOL_UDP).setLayer(Layer.LAYER_4)
                        .addRealServers(TestProtos.realServer("echo", "127.0.0.42", echo.port())),
                        HealthCheckType.HEALTH_CHECK_TYPE_NONE);
                NodeMessage answer = applier.apply(snapshot(1, tcp, udp));
                assertTrue(answer.hasAck(), answer.toString());
                VirtualServiceConfig applied = fixture.runtime.current().virtualServices().get(0);
                assertEquals(Duration.ofDays(24), applied.clientIdleTimeout());
                assertEquals(Duration.ofMinutes(5), applied.connectTimeout());

                try (TestClient client = new TestClient("127.0.0.40", port)) {
                    assertEquals("a", client.readLine());
                    assertBytesGoBothWays(client, "through 24d timeouts");
                }
                assertEquals("echo", udpClient.exchange("datagram"));
            } finally {
                applier.close();
            }
        }
    }

    private static VirtualService.Builder onLoopback(int port, TestRealServer server) {
        return TestProtos.virtualService("web", "127.0.0.40", port)
                .setHealthCheck(TestProtos.check(HealthCheckType.HEALTH_CHECK_TYPE_NONE))
                .addRealServers(TestProtos.realServer("a", "127.0.0.41", server.port()));
    }

    // Every duration and limit at the top of its range.
    private static VirtualService.Builder largest(VirtualService.Builder service, HealthCheckType check) {
        long days24 = 24 * 86_400_000L;
        RealServer.Builder server = service.getRealServers(0).toBuilder()
                .setWeight(65535).setMinConnections(1_000_000).setMaxConnections(1_000_000);
        return service.setClientIdleTimeoutMs(days24).setServerIdleTimeoutMs(days24).setFlowIdleTimeoutMs(days24)
                .setConnectTimeoutMs(300_000).setMaxFlows(1_000_000)
                .setPersistence(Persistence.newBuilder().setMode(PersistenceMode.PERSISTENCE_MODE_SOURCE_IP)
                        .setTimeoutMs(days24))
                .setHealthCheck(TestProtos.check(check).setIntervalMs(3_600_000)
                        .setTimeoutMs(3_600_000).setRise(100).setFall(100))
                .setRealServers(0, server);
    }

    private static void assertBytesGoBothWays(TestClient client, String text) throws Exception {
        client.send(text + "\n");
        assertEquals(text, client.readLine());
    }
}
