package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.FlowSettings;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.PersistenceConfig;
import io.fulcrum.dataplane.config.PersistenceMode;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.report.VirtualServiceStatus;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import io.fulcrum.dataplane.testing.UdpClient;
import io.fulcrum.dataplane.testing.UdpEchoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpForwardingSocketTest {
    private static final String SERVICE = "127.0.0.1";
    private final RuntimeFixture fixture = new RuntimeFixture();
    private final int port = FreePorts.next();
    private UdpEchoServer a;
    private UdpEchoServer b;

    @BeforeEach
    void startRealServers() throws Exception {
        a = UdpEchoServer.start("a", "127.0.0.21");
        b = UdpEchoServer.start("b", "127.0.0.22");
    }

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
        a.close();
        b.close();
    }

    @Test
    void datagramsGoBothWaysRepliesComeFromTheServiceAndServersSeeTheNode() throws Exception {
        fixture.apply(1, service(TestConfigs.noPersistence(), server("a", a), server("b", b)));
        try (UdpClient client = new UdpClient("127.0.0.5", SERVICE, port)) {
            String label = client.exchange("hello");
            assertTrue("a".equals(label) || "b".equals(label), "reply from " + label);
            assertEquals(new InetSocketAddress(SERVICE, port), client.lastReplyFrom());
            UdpEchoServer used = "a".equals(label) ? a : b;
            InetSocketAddress seen = used.senders().get(0);
            assertNotEquals(ip("127.0.0.5"), seen.getAddress(), "the real server must see the node, not the client");
            assertEquals(ip("127.0.0.1"), seen.getAddress());
            assertEquals(label, client.exchange("again"));
            VirtualServiceStatus status = fixture.status("udp");
            assertEquals(1, status.activeConnections());
            assertEquals(1, status.totalConnections());
            assertTrue(status.datagrams().in() >= 2 && status.datagrams().out() >= 2, status.toString());
            assertTrue(fixture.status("udp", label).datagramsIn() >= 2);
        }
    }

    @Test
    void aBurstArrivesAsSeparateDatagramsInOrderBothWays() throws Exception {
        // Bursts are what the proxy batches and sends segmented; each datagram must still arrive alone.
        fixture.apply(1, service(TestConfigs.noPersistence(), server("a", a)));
        try (UdpClient client = new UdpClient("127.0.0.6", SERVICE, port)) {
            assertEquals("a", client.exchange("hello"));
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String payload = String.format("burst-%02d", i);
                client.send(payload);
                expected.add("a:" + payload);
            }
            client.send("end");
            expected.add("a:end");
            List<String> received = new ArrayList<>();
            String reply;
            while (received.size() < expected.size() && (reply = client.receive()) != null) {
                received.add(reply);
            }
            assertEquals(expected, received);
            assertTrue(a.senders().size() >= 42, "the real server got every datagram separately");
        }
    }

    @Test
    void distinctClientIpsBalanceByWeight() throws Exception {
        fixture.apply(1, service(TestConfigs.noPersistence(), server("a", a).withWeight(300), server("b", b))
                .withAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN));
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= 40; n++) {
            try (UdpClient client = new UdpClient("127.0.1." + n, SERVICE, port)) {
                counts.merge(String.valueOf(client.exchange("x" + n)), 1, Integer::sum);
            }
        }
        assertEquals(30, counts.getOrDefault("a", 0), counts.toString());
        assertEquals(10, counts.getOrDefault("b", 0), counts.toString());
    }

    @Test
    void aClientIpSticksToOneRealServerAcrossNewSourcePorts() throws Exception {
        fixture.apply(1, service(new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofHours(6)),
                server("a", a), server("b", b)).withAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN));
        Set<String> labels = new HashSet<>();
        Set<Integer> sourcePorts = new HashSet<>();
        for (int n = 0; n < 6; n++) {
            try (UdpClient client = new UdpClient("127.0.0.6", SERVICE, port)) {
                labels.add(client.exchange("flow" + n));
                sourcePorts.add(client.localPort());
            }
        }
        assertEquals(1, labels.size(), labels.toString());
        assertTrue(sourcePorts.size() > 1, "new flows need new source ports");
    }

    @Test
    void haltingTheRealServerLeavesTheLiveFlowButMovesNewOnes() throws Exception {
        VirtualServiceConfig config = service(TestConfigs.noPersistence(), server("a", a), server("b", b));
        fixture.apply(1, config);
        try (UdpClient client = new UdpClient("127.0.0.7", SERVICE, port)) {
            String first = client.exchange("one");
            fixture.apply(2, config.withRealServers(config.realServers().stream()
                    .map(s -> s.label().equals(first) ? s.withState(AdminState.HALT) : s).toList()));
            assertEquals(first, client.exchange("two"), "a halted server's live flow is left to finish");
            try (UdpClient next = new UdpClient("127.0.0.7", SERVICE, port)) {
                assertNotEquals(first, next.exchange("three"), "a new flow avoids the halted server");
            }
            assertEquals(0, fixture.status("udp").datagrams().repinnedFlows());
            assertEquals(1, fixture.status("udp", first).activeConnections());
        }
    }

    @Test
    void oversizedAndGarbageDatagramsDoNotBreakOtherFlows() throws Exception {
        fixture.apply(1, service(TestConfigs.noPersistence(), server("a", a)));
        try (UdpClient good = new UdpClient("127.0.0.8", SERVICE, port);
             UdpClient bad = new UdpClient("127.0.0.9", SERVICE, port)) {
            assertEquals("a", good.exchange("before"));
            bad.send(new byte[DatagramLimits.MAX_DATAGRAM_SIZE + 1]);
            bad.send(new byte[30_000]);
            bad.send(new byte[0]);
            await("oversized datagrams dropped and counted", Duration.ofSeconds(5),
                    () -> fixture.status("udp").datagrams().dropped() == 2);
            assertEquals("a", good.exchange("after"));
            assertEquals("a", bad.exchange("fine"));
            assertEquals("a", good.exchange(new String(new byte[DatagramLimits.MAX_DATAGRAM_SIZE - 2])
                    .replace('\0', 'z')));
        }
    }

    @Test
    void applyKeepsLiveFlowsWhenOnlyWeightsChange() throws Exception {
        VirtualServiceConfig config = service(TestConfigs.noPersistence(), server("a", a), server("b", b));
        fixture.apply(1, config);
        try (UdpClient client = new UdpClient("127.0.0.10", SERVICE, port)) {
            String first = client.exchange("one");
            fixture.apply(2, config.withRealServers(config.realServers().stream()
                    .map(s -> s.withWeight(s.label().equals(first) ? 1 : 1000)).toList()));
            assertEquals(first, client.exchange("two"));
            UdpEchoServer used = "a".equals(first) ? a : b;
            assertEquals(1, used.senders().stream().map(InetSocketAddress::getPort).distinct().count(),
                    "one upstream socket for the whole flow");
            assertEquals(1, fixture.status("udp").totalConnections());
        }
    }

    @Test
    void anIdleFlowEndsAndReleasesItsCount() throws Exception {
        fixture.apply(1, service(TestConfigs.noPersistence(), server("a", a))
                .withFlows(new FlowSettings(Duration.ofMillis(300), 10)));
        try (UdpClient client = new UdpClient("127.0.0.11", SERVICE, port)) {
            assertEquals("a", client.exchange("one"));
            assertEquals(1, fixture.status("udp").activeConnections());
            await("idle flow ended", Duration.ofSeconds(5), () -> fixture.status("udp").activeConnections() == 0
                    && fixture.status("udp", "a").activeConnections() == 0);
            assertEquals("a", client.exchange("two"));
            assertEquals(2, fixture.status("udp").totalConnections());
        }
    }

    @Test
    void atTheFlowLimitNewClientsAreDroppedAndCounted() throws Exception {
        fixture.apply(1, service(TestConfigs.noPersistence(), server("a", a))
                .withFlows(new FlowSettings(Duration.ofMinutes(5), 1)));
        try (UdpClient first = new UdpClient("127.0.0.12", SERVICE, port);
             UdpClient second = new UdpClient("127.0.0.13", SERVICE, port)) {
            assertEquals("a", first.exchange("one"));
            second.setTimeoutMillis(300);
            second.send("refused");
            assertEquals(null, second.receive());
            // No reply does not yet mean the loop has read (and counted) the datagram.
            await("the refused flow counted", Duration.ofSeconds(5),
                    () -> fixture.status("udp").datagrams().droppedFlows() == 1);
            assertEquals("a", first.exchange("two"));
        }
    }

    @Test
    void ipv6ServicesForwardToIpv6RealServers() throws Exception {
        try (UdpEchoServer v6 = UdpEchoServer.start("six", "::1")) {
            fixture.apply(1, TestConfigs.udp("udp6", ip("::1"), List.of(port),
                            List.of(RuntimeFixture.realServer("six", "::1", v6.port())))
                    .withHealthCheck(TestConfigs.connectCheck().withType(HealthCheckType.NONE)));
            try (UdpClient client = new UdpClient("::1", "::1", port)) {
                assertEquals("six", client.exchange("hello"));
                assertEquals(new InetSocketAddress("::1", port), client.lastReplyFrom());
            }
        }
    }

    @Test
    void udpAndTcpServicesShareAnAddressAndPort() throws Exception {
        try (TestRealServer tcp = TestRealServer.start("t", "127.0.0.23", 0)) {
            fixture.apply(1, service(TestConfigs.noPersistence(), server("a", a)),
                    RuntimeFixture.service("web", SERVICE, port, RuntimeFixture.realServer("t", "127.0.0.23", tcp.port())));
            try (UdpClient client = new UdpClient("127.0.0.14", SERVICE, port);
                 TestClient web = new TestClient(SERVICE, port)) {
                assertEquals("a", client.exchange("udp"));
                assertEquals("t", web.readLine());
            }
        }
    }

    @Test
    void movingTheServiceToAnotherPortEndsLiveFlowsAndServesTheNewPort() throws Exception {
        VirtualServiceConfig config = service(TestConfigs.noPersistence(), server("a", a));
        fixture.apply(1, config);
        int second = FreePorts.next();
        try (UdpClient old = new UdpClient("127.0.0.15", SERVICE, port);
             UdpClient moved = new UdpClient("127.0.0.15", SERVICE, second)) {
            assertEquals("a", old.exchange("one"));
            fixture.apply(2, config.withPorts(List.of(second)));
            assertEquals(0, fixture.status("udp").activeConnections());
            assertEquals("a", moved.exchange("two"));
            old.setTimeoutMillis(300);
            old.send("gone");
            assertEquals(null, old.receive());
        }
    }

    private VirtualServiceConfig service(PersistenceConfig persistence, RealServerConfig... servers) {
        return TestConfigs.udp("udp", ip(SERVICE), List.of(port), List.of(servers))
                .withPersistence(persistence)
                .withHealthCheck(TestConfigs.connectCheck().withType(HealthCheckType.NONE));
    }

    private static RealServerConfig server(String label, UdpEchoServer server) {
        return RuntimeFixture.realServer(label, label.equals("a") ? "127.0.0.21" : "127.0.0.22", server.port());
    }
}
