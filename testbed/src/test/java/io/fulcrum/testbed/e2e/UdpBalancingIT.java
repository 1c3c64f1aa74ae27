package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.DemoServer;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.Overview;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.UdpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer-4 SNAT UDP through the REST API: weights, source-IP stickiness across new flows, drain and
 * halt, maxConnections on flows and the service's flow limit, against two demo real servers.
 *
 * <p>Only the weight and source-hash tests run on both nodes. Each node keeps its own persistence table, flow table
 * and connection counts, and SO_REUSEPORT hands each new flow (a new source port) to either node by
 * a hash of the 4-tuple, so with two nodes a client may honestly be pinned to a different server on
 * each node, and a cap of N flows per server holds per node. One node makes stickiness and caps
 * exact assertions; source-hash, which needs no shared state, is asserted across both nodes.
 */
@ExtendWith(ClusterExtension.class)
class UdpBalancingIT {

    private static final String SERVICE = "Udp";
    private static final int CLIENTS = 20;

    private FulcrumCluster cluster;
    private DemoServer first;
    private DemoServer second;
    private InetSocketAddress target;
    private int port;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        Path logs = Path.of("target", "e2e", "udp-real-servers");
        first = DemoServer.start("first", "127.0.0.91", logs);
        second = DemoServer.start("second", "127.0.0.92", logs);
        port = DemoServer.freeTcpAndUdpPort(Specs.VIRTUAL_ADDRESS);
        target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        first.close();
        second.close();
    }

    /** A layer-4 UDP service on 127.0.0.10:port with no health check (these tests kill nothing). */
    private ObjectNode udpService(String algorithm) {
        ObjectNode body = Specs.virtualService(SERVICE, port, algorithm).put("protocol", "udp").put("layer", 4);
        body.putObject("healthCheck").put("type", "none");
        return body;
    }

    private void configure(ObjectNode service, ObjectNode firstServer, ObjectNode secondServer) {
        FulcrumApi api = cluster.api();
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), service));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "first"), firstServer));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "second"), secondServer));
    }

    @Test
    void flowsFromDistinctClientsBalanceByWeightOnBothNodes() throws IOException {
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        configure(udpService("weighted-round-robin"), first.realServer(100), second.realServer(300));

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.add(UdpClient.askOnce("127.0.3." + (1 + i), target));
        }
        Shares.assertShare(answers, "second", 0.75, 0.10);
    }

    @Test
    void eachClientIpSticksToOneServerAcrossNewFlows() throws IOException {
        cluster.useNodes(FulcrumCluster.NODE_A);
        configure(Specs.withSourceIpPersistence(udpService("weighted-round-robin"), "6h"),
                first.realServer(100), second.realServer(100));

        Map<String, String> pinned = pinClients();
        for (int round = 0; round < 4; round++) {
            for (Map.Entry<String, String> client : pinned.entrySet()) {
                assertEquals(client.getValue(), UdpClient.askOnce(client.getKey(), target),
                        "new flow of client " + client.getKey());
            }
        }
        assertTrue(pinned.containsValue("first") && pinned.containsValue("second"), "both servers got clients: " + pinned);
    }

    @Test
    void sourceHashSendsEveryFlowOfAClientToOneServerWhicheverNodeTakesIt() throws IOException {
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        configure(udpService("source-hash"), first.realServer(100), second.realServer(100));

        Map<String, String> pinned = pinClients();
        // Each round is a new flow per client, which the kernel hands to either node by its 4-tuple.
        for (int round = 0; round < 6; round++) {
            for (Map.Entry<String, String> client : pinned.entrySet()) {
                assertEquals(client.getValue(), UdpClient.askOnce(client.getKey(), target),
                        "flow of client " + client.getKey() + " in round " + round);
            }
        }
        assertTrue(pinned.containsValue("first") && pinned.containsValue("second"), "both servers got clients: " + pinned);
    }

    @Test
    void drainKeepsStickyClientsAndHaltTakesNoNewFlows() throws IOException {
        cluster.useNodes(FulcrumCluster.NODE_A);
        configure(Specs.withSourceIpPersistence(udpService("weighted-round-robin"), "6h"),
                first.realServer(100), second.realServer(100));
        Map<String, String> pinned = pinClients();

        cluster.awaitApplied(cluster.api().patch(FulcrumApi.realServer(SERVICE, "first"), Specs.patch("state", "drain")));
        for (Map.Entry<String, String> client : pinned.entrySet()) {
            assertEquals(client.getValue(), UdpClient.askOnce(client.getKey(), target), "sticky client " + client.getKey());
        }
        for (int i = 0; i < CLIENTS; i++) {
            assertEquals("second", UdpClient.askOnce("127.0.4." + (1 + i), target), "new client during drain");
        }

        cluster.awaitApplied(cluster.api().patch(FulcrumApi.realServer(SERVICE, "first"), Specs.patch("state", "halt")));
        for (String client : pinned.keySet()) {
            assertEquals("second", UdpClient.askOnce(client, target), "new flow of " + client + " after halt");
        }
    }

    @Test
    void maxConnectionsCapsLiveFlowsPerServer() throws IOException {
        cluster.useNodes(FulcrumCluster.NODE_A);
        ObjectNode service = udpService("weighted-least-connections").put("flowIdleTimeout", "1m");
        configure(service, first.realServer(100).put("maxConnections", 4), second.realServer(100));

        List<UdpClient> live = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                UdpClient flow = UdpClient.open("127.0.5." + (1 + i), target);
                live.add(flow);
                answers.add(flow.ask());
            }
            long onFirst = Shares.count(answers).getOrDefault("first", 0L);
            assertTrue(onFirst >= 1 && onFirst <= 4, "first holds at most 4 live flows: " + Shares.count(answers));
            Overview overview = new Overview(cluster.api());
            Poll.until("overview counts 16 live flows", Duration.ofSeconds(5),
                    () -> overview.virtualService(SERVICE).path("connections").asLong() == 16);
            assertEquals(onFirst, overview.realServer(SERVICE, "first").path("connections").asLong());
        } finally {
            live.forEach(UdpClient::close);
        }
    }

    @Test
    void flowLimitDropsNewFlowsCountsThemAndKeepsExistingOnes() throws IOException {
        cluster.useNodes(FulcrumCluster.NODE_A);
        configure(udpService("weighted-least-connections").put("flowIdleTimeout", "1m").put("maxFlows", 5),
                first.realServer(100), second.realServer(100));

        List<UdpClient> live = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                UdpClient flow = UdpClient.open("127.0.6." + (1 + i), target);
                live.add(flow);
                flow.ask();
            }
            try (UdpClient refused = UdpClient.open("127.0.6.100", target)) {
                assertTrue(refused.tryAsk(Duration.ofMillis(800)).isEmpty(), "a sixth flow beyond maxFlows 5 is dropped");
            }
            for (UdpClient flow : live) {
                flow.ask();
            }
            Overview overview = new Overview(cluster.api());
            // Reports arrive every second, so one may show the dropped flow before the last datagrams.
            Poll.until("overview counts the dropped flow and the datagrams of the live ones", Duration.ofSeconds(5),
                    () -> overview.virtualService(SERVICE).path("droppedFlows").asLong() >= 1
                            && overview.virtualService(SERVICE).path("datagramsIn").asLong() >= 10
                            && overview.virtualService(SERVICE).path("connections").asLong() == 5);
        } finally {
            live.forEach(UdpClient::close);
        }
    }

    /** The first flow of each client IP (127.0.2.1 ..) and where it landed. */
    private Map<String, String> pinClients() throws IOException {
        Map<String, String> pinned = new LinkedHashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            String client = "127.0.2." + (1 + i);
            pinned.put(client, UdpClient.askOnce(client, target));
        }
        return pinned;
    }
}
