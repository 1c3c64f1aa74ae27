package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes of one HA group on one host share a virtual-service address (SO_REUSEPORT, so the kernel
 * hands each connection to either) and their source-IP persistence table (--peers, mutual TLS with
 * the certificates deploy/local/pki.sh makes). The algorithm is least-connections, which on its own
 * would let the two nodes choose differently: every connection of a client still reaches one real
 * server, and so does its next one after the node that pinned it died, and after that node came back
 * late and its peer died in turn.
 */
class PersistenceAcrossNodesIT {

    private static final String NODE_A = "peer-a";
    private static final String NODE_B = "peer-b";
    private static final Path PKI_SCRIPT = Path.of("..", "deploy", "local", "pki.sh").toAbsolutePath().normalize();

    private static Path work;
    private static Path pki;
    private static TestDatabase database;
    private static ControlPlaneProcess controlPlane;
    private static NameServer first;
    private static NameServer second;
    private static String peers;

    private final List<DataPlaneNode> nodes = new ArrayList<>();

    @BeforeAll
    static void startControlPlane() throws Exception {
        work = Path.of("target", "e2e", "peers-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        pki = work.resolve("pki");
        Process script = new ProcessBuilder("bash", PKI_SCRIPT.toString(), pki.toString(), NODE_A, NODE_B)
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes());
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "pki.sh did not finish");
        assertEquals(0, script.exitValue(), output);
        database = TestDatabase.create();
        controlPlane = ControlPlaneProcess.start(Path.of(System.getProperty("fulcrum.controlPlane.jar")), database,
                work, ControlPlaneProcess.tlsSettings(pki));
        first = NameServer.start("first", "127.0.0.81");
        second = NameServer.start("second", "127.0.0.82");
        peers = NODE_A + "=127.0.0.1:" + FreePorts.on("127.0.0.1") + "," + NODE_B + "=127.0.0.1:"
                + FreePorts.on("127.0.0.1");
    }

    @AfterAll
    static void stopControlPlane() {
        first.close();
        second.close();
        controlPlane.close();
        database.close();
    }

    @AfterEach
    void stopNodes() {
        nodes.forEach(DataPlaneNode::close);
    }

    @Test
    void fiftyConnectionsOfOneClientReachOneServerWhicheverNodeTakesThem() throws IOException {
        InetSocketAddress target = persistentService("Peers-Reuseport");
        startNode(NODE_A);
        startNode(NODE_B);
        awaitPeersLinked();
        awaitApplied();
        Set<String> used = new HashSet<>();
        for (int c = 0; c < 10; c++) {
            String client = "127.0.0." + (181 + c);
            String server = LineClient.askOnce(client, target);
            used.add(server);
            // A second connection the other node takes within the replication delay (about a millisecond
            // here) would still choose on its own; once the pin has reached it, it is the same server.
            awaitBothNodesHold(c + 1);
            for (int i = 1; i < 50; i++) {
                assertEquals(server, LineClient.askOnce(client, target), "client " + client + ", connection " + (i + 1));
            }
        }
        System.out.printf("persistence across two nodes on one address: 10 clients x 50 connections, each client"
                + " on one real server; servers used: %s%n", used);
        assertEquals(Set.of("first", "second"), used, "least-connections spread the clients");
    }

    @Test
    void aClientReachesItsServerAfterTheNodeThatPinnedItDiedAndAfterItCameBackLate() throws IOException {
        InetSocketAddress target = persistentService("Peers-Failover");
        DataPlaneNode a = startNode(NODE_A);
        DataPlaneNode b = startNode(NODE_B);
        awaitPeersLinked();
        awaitApplied();
        Map<String, String> pinned = new HashMap<>();
        for (int c = 0; c < 40; c++) {
            String client = "127.0.0." + (201 + c);
            pinned.put(client, LineClient.askOnce(client, target));
        }
        assertEquals(Set.of("first", "second"), new HashSet<>(pinned.values()), "clients on both servers");
        awaitBothNodesHold(pinned.size());

        a.process().kill();
        int kept = keptOnTheirServer(pinned, target);
        System.out.printf("after kill -9 of one node: %d of %d clients on the same real server through its peer%n",
                kept, pinned.size());
        assertEquals(pinned.size(), kept);

        // Back late: the restarted node learns the table from its peer, then the peer stops.
        DataPlaneNode restarted = startNode(NODE_A);
        Poll.until("the restarted node to receive the whole table", Duration.ofSeconds(30),
                () -> restarted.process().output().contains("whole table from peer " + NODE_B));
        assertTrue(restarted.process().output().contains("whole table from peer " + NODE_B + " at 127.0.0.1: "
                + pinned.size() + " entries"), restarted.process().tail(20));
        b.process().terminate();
        b.process().awaitExit(Duration.ofSeconds(30));
        kept = keptOnTheirServer(pinned, target);
        System.out.printf("after a late restart of that node and a clean stop of its peer: %d of %d clients on the"
                + " same real server%n", kept, pinned.size());
        assertEquals(pinned.size(), kept);
    }

    private static int keptOnTheirServer(Map<String, String> pinned, InetSocketAddress target) throws IOException {
        int kept = 0;
        for (Map.Entry<String, String> client : pinned.entrySet()) {
            if (client.getValue().equals(LineClient.askOnce(client.getKey(), target))) {
                kept++;
            }
        }
        return kept;
    }

    private InetSocketAddress persistentService(String name) {
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        FulcrumApi api = controlPlane.api();
        api.put(FulcrumApi.virtualService(name), Specs.withSourceIpPersistence(
                Specs.virtualService(name, port, "weighted-least-connections"), "6m")).requireSuccess();
        api.put(FulcrumApi.realServer(name, "first"), Specs.realServer(first, 100)).requireSuccess();
        api.put(FulcrumApi.realServer(name, "second"), Specs.realServer(second, 100)).requireSuccess();
        return new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
    }

    private DataPlaneNode startNode(String id) {
        DataPlaneNode node = DataPlaneNode.start(Path.of(System.getProperty("fulcrum.dataPlane.jar")), id,
                controlPlane.grpcTarget(), work, List.of(
                        "--tls-ca", pki.resolve("ca.crt").toString(),
                        "--tls-cert", pki.resolve("nodes").resolve(id + ".crt").toString(),
                        "--tls-key", pki.resolve("nodes").resolve(id + ".key").toString(),
                        "--peers", peers, "--shutdown-grace", "1s", "--report-interval", "100ms"));
        nodes.add(node);
        return node;
    }

    private void awaitApplied() {
        NodeSync sync = new NodeSync(controlPlane.api());
        sync.awaitApplied(List.of(NODE_A, NODE_B), sync.currentVersion(), Duration.ofSeconds(30));
    }

    /** Both nodes report {@code entries} clients in their persistence tables: their pins are replicated. */
    private void awaitBothNodesHold(int entries) {
        Poll.until("both nodes to hold " + entries + " persistence entries", Duration.ofSeconds(10), () -> {
            Map<String, Long> held = new HashMap<>();
            for (JsonNode node : controlPlane.api().get("/api/v1/nodes").requireSuccess().json()) {
                held.put(node.path("id").asText(), node.path("persistenceEntries").asLong());
            }
            return held.getOrDefault(NODE_A, 0L) == entries && held.getOrDefault(NODE_B, 0L) == entries;
        });
    }

    private void awaitPeersLinked() {
        Poll.until("both peer links up", Duration.ofSeconds(30), () -> nodes.stream()
                .allMatch(node -> node.process().output().contains("link up")));
    }
}
