package io.fulcrum.dataplane;

import io.fulcrum.dataplane.config.LastGoodSnapshotStore;
import io.fulcrum.dataplane.controlplane.FakeControlPlane;
import io.fulcrum.dataplane.controlplane.TestProtos;
import io.fulcrum.dataplane.runtime.ServingState;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControlPlaneSyncTest {
    @TempDir
    Path stateDir;

    private final int controlPort = FreePorts.next();
    private final int servicePort = FreePorts.next();
    private TestRealServer realServer;
    private DataPlaneNode node;

    @BeforeEach
    void startRealServer() throws Exception {
        realServer = TestRealServer.start("rs1", "127.0.0.1", 0);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (node != null) {
            node.close();
        }
        realServer.close();
    }

    @Test
    void helloThenSnapshotIsAppliedAckedCachedAndServed() throws Exception {
        try (FakeControlPlane controlPlane = new FakeControlPlane(controlPort)) {
            node = startNode();
            NodeMessage hello = controlPlane.await("hello", NodeMessage::hasHello);
            assertEquals("node-t", hello.getHello().getNodeId());
            assertEquals(0, hello.getHello().getAppliedVersion());

            controlPlane.push(snapshot(1));
            NodeMessage ack = controlPlane.await("ack", NodeMessage::hasAck);
            assertEquals(1, ack.getAck().getVersion());
            assertEquals(snapshot(1), awaitCached(Duration.ofSeconds(5)), "cached on disk soon after the ack");
            try (TestClient client = new TestClient("127.0.0.1", servicePort)) {
                assertEquals("rs1", client.readLine());
            }
        }
    }

    @Test
    void badSnapshotIsNackedWithReasonAndTheOldOneKeepsServing() throws Exception {
        try (FakeControlPlane controlPlane = new FakeControlPlane(controlPort)) {
            node = startNode();
            controlPlane.await("hello", NodeMessage::hasHello);
            controlPlane.push(snapshot(1));
            controlPlane.await("ack", NodeMessage::hasAck);

            Snapshot bad = snapshot(2).toBuilder()
                    .setVirtualServices(0, snapshot(2).getVirtualServices(0).toBuilder().setAddress("not-an-ip"))
                    .build();
            controlPlane.push(bad);
            NodeMessage nack = controlPlane.await("nack", NodeMessage::hasNack);
            assertEquals(2, nack.getNack().getVersion());
            assertTrue(nack.getNack().getReason().contains("expected an IP address literal"), nack.getNack().getReason());
            assertEquals(1, node.runtime().appliedVersion());
            try (TestClient client = new TestClient("127.0.0.1", servicePort)) {
                assertEquals("rs1", client.readLine());
            }
        }
    }

    @Test
    void reportsCarryTheAppliedVersionAndCounters() throws Exception {
        try (FakeControlPlane controlPlane = new FakeControlPlane(controlPort)) {
            node = startNode();
            controlPlane.await("hello", NodeMessage::hasHello);
            controlPlane.push(snapshot(1));
            controlPlane.await("ack", NodeMessage::hasAck);
            try (TestClient client = new TestClient("127.0.0.1", servicePort)) {
                assertEquals("rs1", client.readLine());
            }
            NodeMessage report = controlPlane.await("report with a counted connection", m -> m.hasReport()
                    && m.getReport().getAppliedVersion() == 1
                    && m.getReport().getVirtualServicesCount() == 1
                    && m.getReport().getVirtualServices(0).getTotalConnections() == 1);
            var stats = report.getReport().getVirtualServices(0);
            assertEquals("web", stats.getName());
            assertEquals("rs1", stats.getRealServers(0).getLabel());
            assertEquals(io.fulcrum.proto.v1.Health.HEALTH_UP, stats.getRealServers(0).getHealth());
            assertEquals("not checked", stats.getRealServers(0).getHealthReason());
            assertTrue(report.getReport().getSentAtUnixMs() > 0);
        }
    }

    @Test
    void restartWithoutControlPlaneServesTheCachedSnapshotAndReconnectsLater() throws Exception {
        try (FakeControlPlane controlPlane = new FakeControlPlane(controlPort)) {
            node = startNode();
            controlPlane.await("hello", NodeMessage::hasHello);
            controlPlane.push(snapshot(4));
            controlPlane.await("ack", NodeMessage::hasAck);
        }
        node.close();
        node = null;

        node = startNode();
        try (TestClient client = new TestClient("127.0.0.1", servicePort)) {
            assertEquals("rs1", client.readLine(), "served from the disk cache with no control plane");
        }
        assertEquals(4, node.runtime().appliedVersion());

        try (FakeControlPlane controlPlane = new FakeControlPlane(controlPort)) {
            NodeMessage hello = controlPlane.await("hello after reconnect", NodeMessage::hasHello);
            assertEquals(4, hello.getHello().getAppliedVersion());
        }
    }

    @Test
    void aWarmingNodeOpensItsStreamAtOnceButAppliesAPushedSnapshotOnlyOnceWarm() throws Exception {
        try (FakeControlPlane controlPlane = new FakeControlPlane(controlPort)) {
            node = new DataPlaneNode(options(Duration.ofSeconds(5)));
            CompletableFuture<Void> started = CompletableFuture.runAsync(node::start);
            NodeMessage hello = controlPlane.await("hello", NodeMessage::hasHello);
            assertFalse(started.isDone(), "the stream opens while the node warms up");
            assertEquals(0, hello.getHello().getAppliedVersion());
            ServingState warming = node.servingState();
            assertFalse(warming.serving());
            assertTrue(warming.reason().startsWith("warming up"), warming.reason());

            controlPlane.push(snapshot(1));
            NodeMessage ack = controlPlane.await("ack", NodeMessage::hasAck);
            assertEquals(1, ack.getAck().getVersion());
            assertFalse(node.warming(), "acknowledged only once warm");
            started.get(10, TimeUnit.SECONDS);
            assertTrue(node.servingState().serving(), node.servingState().reason());
            try (TestClient client = new TestClient("127.0.0.1", servicePort)) {
                assertEquals("rs1", client.readLine());
            }
        }
    }

    /** The disk cache is written after the ack, off the applying thread: poll for it with a deadline. */
    private Snapshot awaitCached(Duration within) throws Exception {
        Path file = stateDir.resolve(LastGoodSnapshotStore.FILE_NAME);
        long deadline = System.nanoTime() + within.toNanos();
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < deadline, "no " + file + " within " + within);
            Thread.onSpinWait();
        }
        return Snapshot.parseFrom(Files.readAllBytes(file));
    }

    private DataPlaneNode startNode() {
        DataPlaneNode started = new DataPlaneNode(options(Duration.ZERO));
        started.start();
        return started;
    }

    private DataPlaneOptions options(Duration warmUp) {
        return new DataPlaneOptions("node-t", java.util.List.of("127.0.0.1:" + controlPort), stateDir,
                Duration.ofMillis(100), 2, new StopTimings(Duration.ZERO, Duration.ofSeconds(1)), java.util.Optional.empty(),
                io.fulcrum.dataplane.proxy.udp.UdpSocketBuffers.DEFAULT, java.util.Optional.empty(), java.util.Optional.empty(),
                false, warmUp, false);
    }

    private Snapshot snapshot(long version) {
        return TestProtos.snapshot(version, TestProtos.virtualService("web", "127.0.0.1", servicePort)
                .setHealthCheck(TestProtos.check(HealthCheckType.HEALTH_CHECK_TYPE_NONE))
                .addRealServers(TestProtos.realServer("rs1", "127.0.0.1", realServer.port())));
    }
}
