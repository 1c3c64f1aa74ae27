package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes keep serving their last good snapshot while the control plane is down; a node restarted during
 * the outage serves the snapshot it cached on disk; when the control plane returns, the nodes reconnect.
 */
@ExtendWith(ClusterExtension.class)
class ControlPlaneOutageIT {

    private static final String SERVICE = "Outage";

    private FulcrumCluster cluster;
    private NameServer server;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        server = NameServer.start("outage", "127.0.0.34");
    }

    @AfterEach
    void cleanUp() {
        cluster.restartControlPlane();
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        server.close();
    }

    @Test
    void nodesServeThroughAnOutageAndARestartedNodeServesItsCachedSnapshot() throws IOException {
        FulcrumApi api = cluster.api();
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), Specs.virtualService(SERVICE, port, "weighted-round-robin")));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "outage"), Specs.realServer(server, 100)));
        InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);

        cluster.stopControlPlane();
        askMany(target, "both nodes, control plane down");

        // Only node-a from here on, restarted while the control plane is still down: it has nothing but its disk.
        cluster.stopNode(FulcrumCluster.NODE_B);
        cluster.restartNode(FulcrumCluster.NODE_A);
        Poll.until("the restarted node to serve its cached snapshot", Duration.ofSeconds(15),
                () -> LineClient.askQuietly("127.0.0.100", target) != null);
        askMany(target, "node-a restarted from its cached snapshot");

        cluster.restartControlPlane();
        long ready = System.nanoTime();
        // Known from the node table at once, before any node reconnects.
        List<String> listed = new java.util.ArrayList<>();
        cluster.sync().nodes().forEach(node -> listed.add(node.path("id").asText()));
        assertTrue(listed.containsAll(List.of(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B)),
                "the restarted control plane lists every known node: " + listed);
        Poll.until("node-a to reconnect", Duration.ofSeconds(10), () -> {
            var node = cluster.sync().node(FulcrumCluster.NODE_A);
            return node != null && node.path("connected").asBoolean(false);
        });
        long reconnectMillis = Duration.ofNanos(System.nanoTime() - ready).toMillis();
        System.out.println("node-a reconnected " + reconnectMillis + " ms after the control plane was ready");
        assertTrue(reconnectMillis < 2_500, "node-a reconnected " + reconnectMillis + " ms after the control plane was ready");
        // node-b is registered and stopped: ?wait says so instead of "applied".
        String sync = cluster.api().patch(FulcrumApi.realServer(SERVICE, "outage") + "?wait=1s", Specs.patch("weight", 50))
                .requireSuccess().headers().firstValue("Fulcrum-Sync").orElse("(missing)");
        assertTrue(sync.startsWith("pending; nodes=") && sync.contains(FulcrumCluster.NODE_B + "(disconnected)")
                && !sync.contains(FulcrumCluster.NODE_A), sync);
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        askMany(target, "after the control plane returned");
    }

    private static void askMany(InetSocketAddress target, String phase) throws IOException {
        for (int i = 0; i < 20; i++) {
            assertEquals("outage", LineClient.askOnce("127.0.0." + (100 + i), target), phase);
        }
    }
}
