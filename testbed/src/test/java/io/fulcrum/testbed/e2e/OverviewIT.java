package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Overview;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The system overview sums live connections over both nodes and shows health and status per virtual service. */
@ExtendWith(ClusterExtension.class)
class OverviewIT {

    private static final String SERVICE = "Counted";
    private static final int OPEN = 10;

    private FulcrumCluster cluster;
    private NameServer left;
    private NameServer right;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        left = NameServer.start("left", "127.0.0.35");
        right = NameServer.start("right", "127.0.0.36");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        left.close();
        right.close();
    }

    @Test
    void overviewCountsLiveConnectionsAcrossNodesAndShowsHealth() throws Exception {
        FulcrumApi api = cluster.api();
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), Specs.virtualService(SERVICE, port, "weighted-round-robin")));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "left"), Specs.realServer(left, 100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "right"), Specs.realServer(right, 100)));
        Overview overview = new Overview(api);
        JsonNode up = Poll.untilValue("virtual service up", Duration.ofSeconds(10),
                () -> overview.virtualService(SERVICE), vs -> "up".equals(vs.path("status").asText()));
        for (JsonNode realServer : up.path("realServers")) {
            assertEquals("up", realServer.path("health").asText(), realServer.toString());
            assertEquals("online", realServer.path("state").asText(), realServer.toString());
        }
        // Both nodes run on this host, which holds the (loopback) address: both are active for it.
        Poll.until("both nodes active for " + Specs.VIRTUAL_ADDRESS, Duration.ofSeconds(10),
                () -> overview.virtualService(SERVICE).path("activeNodes").toString()
                        .equals("[\"" + FulcrumCluster.NODE_A + "\",\"" + FulcrumCluster.NODE_B + "\"]"));

        InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
        List<LineClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < OPEN; i++) {
                LineClient client = LineClient.connect("127.0.0." + (100 + i), target);
                open.add(client);
                client.ask();
            }
            JsonNode counted = Poll.untilValue(OPEN + " live connections in the overview", Duration.ofSeconds(10),
                    () -> overview.virtualService(SERVICE), vs -> vs.path("connections").asLong() == OPEN);
            long perServer = 0;
            for (JsonNode realServer : counted.path("realServers")) {
                perServer += realServer.path("connections").asLong();
            }
            assertEquals(OPEN, perServer, "real servers' connections add up to the virtual service's: " + counted);
        } finally {
            for (LineClient client : open) {
                client.close();
            }
        }
        JsonNode closed = Poll.untilValue("no live connections after closing", Duration.ofSeconds(10),
                () -> overview.virtualService(SERVICE), vs -> vs.path("connections").asLong() == 0);
        assertEquals(true, closed.path("totalConnections").asLong() >= OPEN, "total counts what was served: " + closed);

        // Status judges the servers in state online: one halted leaves it up, both halted leave nothing to take clients.
        cluster.awaitApplied(api.patch(FulcrumApi.realServer(SERVICE, "left"), Specs.patch("state", "halt")));
        assertEquals("up", overview.virtualService(SERVICE).path("status").asText());
        cluster.awaitApplied(api.patch(FulcrumApi.realServer(SERVICE, "right"), Specs.patch("state", "halt")));
        assertEquals("down", overview.virtualService(SERVICE).path("status").asText());
    }
}
