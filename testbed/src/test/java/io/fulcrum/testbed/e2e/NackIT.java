package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.ApiResponse;
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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot a node cannot apply (its listener port is held by another program) is NACKed with a reason by
 * both nodes, which keep serving the previous snapshot and apply the next good version normally.
 */
@ExtendWith(ClusterExtension.class)
class NackIT {

    private static final String SERVING = "Still-Serving";
    private static final String BLOCKED = "Blocked-Port";

    private FulcrumCluster cluster;
    private NameServer server;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        server = NameServer.start("serving", "127.0.0.33");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(BLOCKED));
        cluster.api().delete(FulcrumApi.virtualService(SERVING));
        server.close();
    }

    @Test
    void unbindablePortIsNackedAndTheOldSnapshotKeepsServing() throws Exception {
        FulcrumApi api = cluster.api();
        int servingPort = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVING), Specs.virtualService(SERVING, servingPort, "weighted-round-robin")));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVING, "serving"), Specs.realServer(server, 100)));
        InetSocketAddress serving = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, servingPort);
        long goodVersion = cluster.sync().currentVersion();

        long nackedVersion;
        // A plain listener without SO_REUSEPORT: the nodes' reuse-port bind on the same address and port fails.
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getByName(Specs.VIRTUAL_ADDRESS), 0));
            ApiResponse write = api.put(FulcrumApi.virtualService(BLOCKED) + "?wait=5s",
                    Specs.virtualService(BLOCKED, squatter.getLocalPort(), "weighted-round-robin")).requireSuccess();
            nackedVersion = write.requireConfigVersion();

            String sync = write.headers().firstValue("Fulcrum-Sync").orElse("(missing)");
            assertTrue(sync.startsWith("pending") && sync.contains("node-a") && sync.contains("node-b"), sync);
            for (String id : List.of(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B)) {
                JsonNode node = Poll.untilValue(id + " NACKs version " + nackedVersion, Duration.ofSeconds(10),
                        () -> cluster.sync().node(id), n -> n.path("lastNack").path("version").asLong() == nackedVersion);
                assertFalse(node.path("lastNack").path("reason").asText().isBlank(), "NACK names a reason: " + node);
                assertEquals(goodVersion, node.path("appliedVersion").asLong(), id + " still serves the good version");
            }
            for (int i = 0; i < 20; i++) {
                assertEquals("serving", LineClient.askOnce("127.0.0." + (100 + i), serving), "old snapshot still serves");
            }
        }

        // The next version (the blocked service removed) is sent and applied normally.
        long next = cluster.awaitApplied(api.delete(FulcrumApi.virtualService(BLOCKED)));
        assertTrue(next > nackedVersion);
        assertEquals("serving", LineClient.askOnce("127.0.0.100", serving));
    }
}
