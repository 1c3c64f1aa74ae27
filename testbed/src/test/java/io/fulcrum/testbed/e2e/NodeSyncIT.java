package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.ApiResponse;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Specs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both nodes stay connected and acknowledge every configuration version the control plane produces. */
@ExtendWith(ClusterExtension.class)
class NodeSyncIT {

    private static final String SERVICE = "Sync-Check";

    private FulcrumCluster cluster;
    private NameServer server;

    @BeforeEach
    void startTwoNodes(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        server = NameServer.start("sync-1", "127.0.0.23");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        server.close();
    }

    @Test
    void bothNodesApplyEveryVersionAfterEachWrite() {
        FulcrumApi api = cluster.api();
        String servicePath = FulcrumApi.virtualService(SERVICE);
        String realServerPath = FulcrumApi.realServer(SERVICE, server.name());
        List<Write> writes = List.<Write>of(
                () -> api.put(servicePath, Specs.virtualService(SERVICE, FreePorts.on(Specs.VIRTUAL_ADDRESS), "weighted-round-robin")),
                () -> api.put(realServerPath, Specs.realServer(server, 100)),
                () -> api.patch(realServerPath, Specs.patch("weight", 200)),
                () -> api.patch(realServerPath, Specs.patch("state", "drain")),
                () -> api.delete(realServerPath));

        long previous = 0;
        for (Write write : writes) {
            long version = cluster.awaitApplied(write.send());
            assertTrue(version > previous, "versions grow with every write: " + previous + " then " + version);
            previous = version;
            assertEquals(version, cluster.sync().currentVersion(), "no other write happened meanwhile");
            for (String id : List.of(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B)) {
                JsonNode node = cluster.sync().node(id);
                assertTrue(node.path("connected").asBoolean(), id + " connected: " + node);
                assertEquals(version, node.path("appliedVersion").asLong(), id + " applied the current version: " + node);
            }
        }
    }

    @Test
    void writeWithWaitAnswersOnceBothNodesApplied() {
        FulcrumApi api = cluster.api();
        ApiResponse write = api.put(FulcrumApi.virtualService(SERVICE) + "?wait=10s",
                Specs.virtualService(SERVICE, FreePorts.on(Specs.VIRTUAL_ADDRESS), "weighted-round-robin")).requireSuccess();

        assertEquals("applied", write.headers().firstValue("Fulcrum-Sync").orElse("(missing)"));
        long version = write.requireConfigVersion();
        // ?wait returned only after both nodes acknowledged, so the node list already shows it: no polling here.
        for (String id : List.of(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B)) {
            assertEquals(version, cluster.sync().node(id).path("appliedVersion").asLong(), id);
        }
    }

    /** One REST write, sent in order. */
    private interface Write {
        ApiResponse send();
    }
}
