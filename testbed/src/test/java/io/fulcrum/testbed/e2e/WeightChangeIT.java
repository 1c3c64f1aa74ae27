package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.ConnectionLoad;
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

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.fulcrum.testbed.e2e.Shares.assertShare;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A weight change pushed under load keeps every listener and connection, and new connections follow it. */
@ExtendWith(ClusterExtension.class)
class WeightChangeIT {

    private static final String SERVICE = "Reweigh";

    private FulcrumCluster cluster;
    private NameServer steady;
    private NameServer growing;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        steady = NameServer.start("steady", "127.0.0.81");
        growing = NameServer.start("growing", "127.0.0.82");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        steady.close();
        growing.close();
    }

    @Test
    void weightChangeUnderLoadDropsNothingAndNewConnectionsFollowTheNewWeights() throws Exception {
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        FulcrumApi api = cluster.api();
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), Specs.virtualService(SERVICE, port, "weighted-round-robin")));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "steady"), Specs.realServer(steady, 100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "growing"), Specs.realServer(growing, 100)));
        InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);

        List<LineClient> longLived = new ArrayList<>();
        List<String> servedBy = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                LineClient client = LineClient.connect("127.0.0." + (121 + i), target);
                longLived.add(client);
                servedBy.add(client.ask());
            }
            try (ConnectionLoad load = ConnectionLoad.start(target, List.of("127.0.0.91", "127.0.0.92"), 5_000, 20_000)) {
                Poll.until("load running", Duration.ofSeconds(5), () -> load.successes() > 50);
                cluster.awaitApplied(api.patch(FulcrumApi.realServer(SERVICE, "growing"), Specs.patch("weight", 300)));
                long afterChange = load.successes();
                Poll.until("load continuing after the change", Duration.ofSeconds(5), () -> load.successes() > afterChange + 50);
                load.close();
                assertEquals(List.of(), load.attempts().stream().filter(ConnectionLoad.Attempt::failed).toList(),
                        "failed connections while the weight changed");
            }
            for (int i = 0; i < longLived.size(); i++) {
                assertEquals(servedBy.get(i), longLived.get(i).ask(), "long-lived connection " + i + " after the change");
            }
        } finally {
            for (LineClient client : longLived) {
                client.close();
            }
        }

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            answers.add(LineClient.askOnce("127.0.0." + (100 + i % 50), target));
        }
        assertShare(answers, "growing", 0.75, 0.07);
    }
}
