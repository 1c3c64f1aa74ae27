package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RuntimeApplyTest {
    private final RuntimeFixture fixture = new RuntimeFixture();
    private final int port = FreePorts.next();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void openConnectionSurvivesAnApplyThatOnlyChangesWeights() throws Exception {
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0)) {
            VirtualServiceConfig v1 = service("web", "127.0.0.1", port, realServer("a", "127.0.0.1", a.port()));
            fixture.apply(1, v1);
            try (TestClient client = new TestClient("127.0.0.1", port)) {
                assertEquals("a", client.readLine());
                fixture.apply(2, v1.withRealServers(List.of(realServer("a", "127.0.0.1", a.port()).withWeight(7))));
                client.send("still here\n");
                assertEquals("still here", client.readLine());
                assertEquals(1, fixture.status("web", "a").activeConnections(), "counters kept across the apply");
                try (TestClient second = new TestClient("127.0.0.1", port)) {
                    assertEquals("a", second.readLine());
                }
            }
            assertEquals(2, fixture.runtime.appliedVersion());
        }
    }

    @Test
    void newSettingsApplyToTheNextConnection() throws Exception {
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0);
             TestRealServer b = TestRealServer.start("b", "127.0.0.1", 0)) {
            VirtualServiceConfig v1 = service("web", "127.0.0.1", port, realServer("a", "127.0.0.1", a.port()));
            fixture.apply(1, v1);
            fixture.apply(2, v1.withRealServers(List.of(realServer("b", "127.0.0.1", b.port()))));
            for (int i = 0; i < 3; i++) {
                try (TestClient client = new TestClient("127.0.0.1", port)) {
                    assertEquals("b", client.readLine());
                }
            }
        }
    }

    @Test
    void unbindablePortIsRefusedAndTheOldSnapshotKeepsServing() throws Exception {
        int taken = FreePorts.next();
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0);
             ServerSocket blocker = new ServerSocket()) {
            blocker.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken));
            VirtualServiceConfig web = service("web", "127.0.0.1", port, realServer("a", "127.0.0.1", a.port()));
            fixture.apply(1, web);
            int fresh = FreePorts.next();
            ApplyException refused = assertThrows(ApplyException.class, () -> fixture.apply(2,
                    web.withRealServers(List.of()),
                    service("fresh", "127.0.0.1", fresh, realServer("a", "127.0.0.1", a.port())),
                    service("blocked", "127.0.0.1", taken, realServer("a", "127.0.0.1", a.port()))));
            assertTrue(refused.getMessage().contains("blocked"), refused.getMessage());
            assertTrue(refused.getMessage().contains(String.valueOf(taken)), refused.getMessage());
            assertEquals(1, fixture.runtime.appliedVersion());
            try (TestClient client = new TestClient("127.0.0.1", port)) {
                assertEquals("a", client.readLine(), "old settings still serve");
            }
            // The listener bound for the refused snapshot was released again.
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), fresh));
            }
        }
    }

    @Test
    void removedServiceStopsListeningButLiveConnectionsFinish() throws Exception {
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0)) {
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("a", "127.0.0.1", a.port())));
            try (TestClient client = new TestClient("127.0.0.1", port)) {
                assertEquals("a", client.readLine());
                fixture.apply(2);
                client.send("after removal\n");
                assertEquals("after removal", client.readLine());
                assertThrows(java.net.ConnectException.class, () -> new TestClient("127.0.0.1", port).close());
            }
        }
    }

    @Test
    void changedPortsRebindWhileKeepingRealServerState() throws Exception {
        int second = FreePorts.next();
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0)) {
            VirtualServiceConfig v1 = service("web", "127.0.0.1", port, realServer("a", "127.0.0.1", a.port()));
            fixture.apply(1, v1);
            try (TestClient client = new TestClient("127.0.0.1", port)) {
                assertEquals("a", client.readLine());
            }
            fixture.apply(2, v1.withPorts(List.of(second)));
            try (TestClient client = new TestClient("127.0.0.1", second)) {
                assertEquals("a", client.readLine());
            }
            assertThrows(java.net.ConnectException.class, () -> new TestClient("127.0.0.1", port).close());
            assertEquals(2, fixture.status("web", "a").totalConnections());
        }
    }
}
