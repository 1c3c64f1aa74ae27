package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Specs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With source-hash (Maglev) both nodes pick the same real server for a client IP without sharing state, so a
 * client sticks to one server even though SO_REUSEPORT sends its connections to either node.
 */
@ExtendWith(ClusterExtension.class)
class SourceHashAcrossNodesIT {

    private static final String SERVICE = "Source-Hash";

    private FulcrumCluster cluster;
    private NameServer first;
    private NameServer second;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        first = NameServer.start("first", "127.0.0.71");
        second = NameServer.start("second", "127.0.0.72");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        first.close();
        second.close();
    }

    @Test
    void everyConnectionOfAClientLandsOnTheSameServerWhicheverNodeTakesIt() throws IOException {
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        FulcrumApi api = cluster.api();
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), Specs.virtualService(SERVICE, port, "source-hash")));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "first"), Specs.realServer(first, 100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "second"), Specs.realServer(second, 100)));
        InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);

        Set<String> used = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String client = "127.0.0." + (151 + i);
            String firstAnswer = LineClient.askOnce(client, target);
            used.add(firstAnswer);
            // Eight connections from new source ports: both nodes get some of them (2^-7 odds of one node only).
            for (int c = 0; c < 8; c++) {
                assertEquals(firstAnswer, LineClient.askOnce(client, target), "client " + client + " connection " + c);
            }
        }
        assertTrue(used.containsAll(Set.of("first", "second")), "clients spread over both servers: " + used);
    }
}
