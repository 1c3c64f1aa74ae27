package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestRealServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthCheckerSocketTest {
    private static final HealthCheckConfig FAST = TestConfigs.connectCheck()
            .withTiming(Duration.ofMillis(50), Duration.ofMillis(500), 2, 2);

    private final RuntimeFixture fixture = new RuntimeFixture();
    private final int port = FreePorts.next();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void connectCheckTracksARealServerGoingAwayAndComingBack() throws Exception {
        TestRealServer server = TestRealServer.start("rs1", "127.0.0.1", 0);
        int serverPort = server.port();
        fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", serverPort))
                .withHealthCheck(FAST));
        await("up", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.UP);
        assertEquals("connect succeeded", fixture.status("web", "rs1").healthReason());

        server.close();
        await("down", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.DOWN);
        assertEquals("2 consecutive failures: connect refused", fixture.status("web", "rs1").healthReason());

        try (TestRealServer back = TestRealServer.start("rs1", "127.0.0.1", serverPort)) {
            await("up again", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.UP);
            assertEquals("2 consecutive successes", fixture.status("web", "rs1").healthReason());
        }
        // Listeners hear of a transition right after the real server shows it.
        await("three transitions reported", Duration.ofSeconds(5), () -> fixture.transitions.size() >= 3);
        List<Health> targets = fixture.transitions.stream().map(HealthTransition::to).toList();
        assertEquals(List.of(Health.UP, Health.DOWN, Health.UP), targets.subList(0, 3));
    }

    @Test
    void noneMeansUpWithoutChecking() throws Exception {
        fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", FreePorts.next())));
        await("up", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.UP);
        assertEquals("not checked", fixture.status("web", "rs1").healthReason());
    }

    @Test
    void pingCheckMarksAnAnsweringServerUpWithoutAnyListeningPort() throws Exception {
        fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", FreePorts.next()))
                .withHealthCheck(FAST.withType(HealthCheckType.PING)));
        await("up", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.UP);
        assertEquals("echo reply", fixture.status("web", "rs1").healthReason());
    }

    @Test
    void aHealthCheckPortOtherThanTheServicePortIsUsedForConnectChecksAtLayer4() throws Exception {
        try (TestRealServer checkPort = TestRealServer.start("check", "127.0.0.23", 0)) {
            VirtualServiceConfig udp = TestConfigs.udp("udp", RuntimeFixture.ip("127.0.0.10"), List.of(port),
                    List.of(realServer("rs1", "127.0.0.23", FreePorts.next())));
            fixture.apply(1, udp.withHealthCheck(onPort(FAST, checkPort.port())));
            await("up", Duration.ofSeconds(5), () -> fixture.status("udp", "rs1").health() == Health.UP);
        }
    }

    @Test
    void aHealthCheckPortOtherThanTheServicePortIsUsedForHttpChecksAtLayer7() throws Exception {
        try (ServerSocket http = new ServerSocket()) {
            http.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread responder = new Thread(() -> respond(http, "HTTP/1.1 200 OK"), "http");
            responder.setDaemon(true);
            responder.start();
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", FreePorts.next()))
                    .withHealthCheck(onPort(FAST.withType(HealthCheckType.HTTP), http.getLocalPort())));
            await("up", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.UP);
            assertEquals("HTTP 200", fixture.status("web", "rs1").healthReason());
        }
    }

    private static HealthCheckConfig onPort(HealthCheckConfig config, int checkPort) {
        return new HealthCheckConfig(config.type(), config.interval(), config.timeout(), config.rise(), config.fall(),
                checkPort, config.httpPath(), config.expectedStatusMin(), config.expectedStatusMax(), config.udpSend(),
                config.udpExpect());
    }

    @Test
    void httpCheckExpectsAStatusInRange() throws Exception {
        try (ServerSocket http = new ServerSocket()) {
            http.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread responder = new Thread(() -> respond(http, "HTTP/1.0 503 Service Unavailable"), "http");
            responder.setDaemon(true);
            responder.start();
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", http.getLocalPort()))
                    .withHealthCheck(FAST.withType(HealthCheckType.HTTP)));
            await("down", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.DOWN);
            assertTrue(fixture.status("web", "rs1").healthReason().contains("HTTP 503"),
                    fixture.status("web", "rs1").healthReason());
        }
    }

    @Test
    void httpCheckPassesOnAnExpectedStatus() throws Exception {
        try (ServerSocket http = new ServerSocket()) {
            http.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread responder = new Thread(() -> respond(http, "HTTP/1.1 204 No Content"), "http");
            responder.setDaemon(true);
            responder.start();
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", http.getLocalPort()))
                    .withHealthCheck(FAST.withType(HealthCheckType.HTTP)));
            await("up", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.UP);
            assertEquals("HTTP 204", fixture.status("web", "rs1").healthReason());
        }
    }

    @Test
    void portFollowingRealServerIsCheckedOnTheServicePort() throws Exception {
        try (TestRealServer follower = TestRealServer.start("rs1", "127.0.0.21", port)) {
            fixture.apply(1, service("web", "127.0.0.10", port, realServer("rs1", "127.0.0.21", 0))
                    .withHealthCheck(FAST));
            await("up", Duration.ofSeconds(5), () -> fixture.status("web", "rs1").health() == Health.UP);
        }
    }

    @Test
    void downServerGetsNoNewConnections() throws Exception {
        try (TestRealServer alive = TestRealServer.start("alive", "127.0.0.1", 0)) {
            fixture.apply(1, service("web", "127.0.0.1", port,
                    realServer("dead", "127.0.0.1", FreePorts.next()), realServer("alive", "127.0.0.1", alive.port()))
                    .withHealthCheck(FAST));
            await("dead is down", Duration.ofSeconds(5), () -> fixture.status("web", "dead").health() == Health.DOWN);
            long failuresBefore = fixture.status("web", "dead").connectFailures();
            for (int i = 0; i < 5; i++) {
                try (var client = new io.fulcrum.dataplane.testing.TestClient("127.0.0.1", port)) {
                    assertEquals("alive", client.readLine());
                }
            }
            assertEquals(failuresBefore, fixture.status("web", "dead").connectFailures());
        }
    }

    private static void respond(ServerSocket server, String statusLine) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                out.write((statusLine + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                return;
            }
        }
    }
}
