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
import java.util.ArrayList;
import java.util.List;

import static io.fulcrum.testbed.e2e.Shares.assertShare;

/**
 * Two nodes share two RAS-like virtual services (SO_REUSEPORT spreads clients across the nodes); each node
 * balances its share by weight, so a 300-weight server gets three quarters of the connections overall.
 */
@ExtendWith(ClusterExtension.class)
class WeightedBalancingIT {

    private static final String GATEWAY = "RAS-SG-HTTPS-like";
    private static final String PORTAL = "RAS-Web-HTTP-like";

    private FulcrumCluster cluster;
    private NameServer light;
    private NameServer heavy;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        light = NameServer.start("light", "127.0.0.31");
        heavy = NameServer.start("heavy", "127.0.0.32");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(GATEWAY));
        cluster.api().delete(FulcrumApi.virtualService(PORTAL));
        light.close();
        heavy.close();
    }

    @Test
    void weightedRoundRobinGivesTheHeavyServerThreeQuartersOfShortConnections() throws IOException {
        InetSocketAddress gateway = createService(GATEWAY, "weighted-round-robin");

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            answers.add(LineClient.askOnce("127.0.0." + (100 + i % 50), gateway));
        }

        assertShare(answers, "heavy", 0.75, 0.07);
    }

    @Test
    void weightedLeastConnectionsGivesTheHeavyServerThreeQuartersOfOpenConnections() throws IOException {
        InetSocketAddress portal = createService(PORTAL, "weighted-least-connections");

        // Connections stay open, so each node's least-connections choice sees the ones it already placed.
        List<LineClient> open = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        try {
            for (int i = 0; i < 120; i++) {
                LineClient client = LineClient.connect("127.0.0." + (100 + i % 50), portal);
                open.add(client);
                answers.add(client.ask());
            }
        } finally {
            for (LineClient client : open) {
                client.close();
            }
        }

        assertShare(answers, "heavy", 0.75, 0.07);
    }

    private InetSocketAddress createService(String name, String algorithm) {
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        FulcrumApi api = cluster.api();
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(name), Specs.virtualService(name, port, algorithm)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(name, "light"), Specs.realServer(light, 100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(name, "heavy"), Specs.realServer(heavy, 300)));
        return new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
    }
}
