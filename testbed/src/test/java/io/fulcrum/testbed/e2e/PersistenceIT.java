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
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Source-IP persistence, drain and halt, seen by clients with distinct source addresses.
 *
 * <p>These run with ONE node on purpose: each node keeps its own persistence table (nodes share no state),
 * and SO_REUSEPORT hands each new connection of a client to either node by a hash of the 4-tuple, so with
 * two nodes and weighted algorithms a client may legitimately be pinned to a different server on each
 * node. One node makes "a client always lands on one server" an exact, honest assertion;
 * {@link SourceHashAcrossNodesIT} covers agreement across nodes, which only source-hash promises.
 */
@ExtendWith(ClusterExtension.class)
class PersistenceIT {

    private static final String SERVICE = "Sticky";
    private static final int CLIENTS = 20;

    private FulcrumCluster cluster;
    private NameServer first;
    private NameServer second;
    private InetSocketAddress target;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A);
        first = NameServer.start("first", "127.0.0.51");
        second = NameServer.start("second", "127.0.0.52");
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        FulcrumApi api = cluster.api();
        // Round robin spreads the first connections of the clients over both servers, so both get sticky clients.
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE),
                Specs.withSourceIpPersistence(Specs.virtualService(SERVICE, port, "weighted-round-robin"), "6m")));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "first"), Specs.realServer(first, 100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "second"), Specs.realServer(second, 100)));
        target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        first.close();
        second.close();
    }

    @Test
    void eachClientIpAlwaysLandsOnOneRealServer() throws IOException {
        Map<String, String> pinned = pinClients();

        for (int round = 0; round < 4; round++) {
            for (Map.Entry<String, String> client : pinned.entrySet()) {
                assertEquals(client.getValue(), LineClient.askOnce(client.getKey(), target), "client " + client.getKey());
            }
        }
        assertTrue(pinned.containsValue("first") && pinned.containsValue("second"), "both servers got clients: " + pinned);
    }

    @Test
    void drainedServerKeepsItsStickyClientsButTakesNoNewOnes() throws IOException {
        Map<String, String> pinned = pinClients();

        cluster.awaitApplied(cluster.api().patch(FulcrumApi.realServer(SERVICE, "first"), Specs.patch("state", "drain")));

        for (Map.Entry<String, String> client : pinned.entrySet()) {
            assertEquals(client.getValue(), LineClient.askOnce(client.getKey(), target), "sticky client " + client.getKey());
        }
        for (int i = 0; i < CLIENTS; i++) {
            assertEquals("second", LineClient.askOnce("127.0.0." + (201 + i), target), "new client 127.0.0." + (201 + i));
        }
    }

    @Test
    void haltedServerTakesNothingNewButItsOpenConnectionsFinish() throws IOException {
        Map<String, String> pinned = pinClients();
        String stickyToFirst = pinned.entrySet().stream().filter(e -> e.getValue().equals("first"))
                .map(Map.Entry::getKey).findFirst().orElseThrow();

        try (LineClient open = LineClient.connect(stickyToFirst, target)) {
            assertEquals("first", open.ask());
            int mark = first.accepted();

            cluster.awaitApplied(cluster.api().patch(FulcrumApi.realServer(SERVICE, "first"), Specs.patch("state", "halt")));

            for (String client : pinned.keySet()) {
                assertEquals("second", LineClient.askOnce(client, target), "client " + client + " after halt");
            }
            for (int i = 0; i < CLIENTS; i++) {
                assertEquals("second", LineClient.askOnce("127.0.0." + (201 + i), target), "new client after halt");
            }
            assertEquals(0, first.requestsAfter(mark), "requests on connections the halted server accepted after halt");
            assertEquals("first", open.ask(), "the connection opened before the halt still works");
        }
    }

    /** Makes the first connection of each client IP (127.0.0.101 ..) and returns where each landed. */
    private Map<String, String> pinClients() throws IOException {
        Map<String, String> pinned = new LinkedHashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            String client = "127.0.0." + (101 + i);
            pinned.put(client, LineClient.askOnce(client, target));
        }
        return pinned;
    }
}
