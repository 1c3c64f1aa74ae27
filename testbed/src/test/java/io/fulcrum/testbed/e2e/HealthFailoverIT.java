package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.ConnectionLoad;
import io.fulcrum.testbed.e2e.harness.ConnectionLoad.Attempt;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real server dies under load: health checks (interval 500ms, fall 3) mark it down within 3 s, and
 * thanks to connect retries on another real server no new client connection fails at any point.
 */
@ExtendWith(ClusterExtension.class)
class HealthFailoverIT {

    private static final String SERVICE = "Failover";
    private static final long DETECTION_LIMIT_MS = 3_000;

    private FulcrumCluster cluster;
    private NameServer victim;
    private NameServer survivor;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        victim = NameServer.start("victim", "127.0.0.41");
        survivor = NameServer.start("survivor", "127.0.0.42");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        victim.close();
        survivor.close();
    }

    @Test
    void killedServerIsMarkedDownQuicklyAndNoNewConnectionFails() throws Exception {
        FulcrumApi api = cluster.api();
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE),
                Specs.withConnectCheck(Specs.virtualService(SERVICE, port, "weighted-least-connections"), "500ms", 2, 3)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "victim"), Specs.realServer(victim, 100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "survivor"), Specs.realServer(survivor, 100)));
        Overview overview = new Overview(api);
        Poll.until("both real servers up", Duration.ofSeconds(10),
                () -> "up".equals(overview.health(SERVICE, "victim")) && "up".equals(overview.health(SERVICE, "survivor")));

        InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
        // Long-lived connections opened before the kill: the ones on the survivor must not notice anything.
        List<LineClient> longLived = new ArrayList<>();
        List<String> longLivedServers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            LineClient client = LineClient.connect("127.0.0." + (70 + i), target);
            longLived.add(client);
            longLivedServers.add(client.ask());
        }
        long killedAt;
        long detectedAt;
        List<Attempt> attempts;
        try (ConnectionLoad load = ConnectionLoad.start(target, List.of("127.0.0.61", "127.0.0.62"), 20_000, 20_000)) {
            Poll.until("load reaching both servers", Duration.ofSeconds(5), () -> victim.requestsAfter(0) > 20
                    && survivor.requestsAfter(0) > 20);
            victim.kill();
            killedAt = System.nanoTime();
            Poll.until("victim marked down", Duration.ofMillis(DETECTION_LIMIT_MS + 2_000),
                    () -> "down".equals(overview.health(SERVICE, "victim")));
            detectedAt = System.nanoTime();
            long afterDetection = load.successes();
            Poll.until("more connections after detection", Duration.ofSeconds(5), () -> load.successes() > afterDetection + 50);
            load.close();
            attempts = load.attempts();
        }

        for (int i = 0; i < longLived.size(); i++) {
            try (LineClient client = longLived.get(i)) {
                if ("survivor".equals(longLivedServers.get(i))) {
                    assertEquals("survivor", client.ask(), "long-lived connection " + i + " on the survivor");
                }
            }
        }
        assertTrue(longLivedServers.contains("survivor"), "some long-lived connections on the survivor: " + longLivedServers);

        long detectionMs = (detectedAt - killedAt) / 1_000_000;
        System.out.println("victim down after " + detectionMs + "ms; " + attempts.size() + " connections, "
                + attempts.stream().filter(Attempt::failed).count() + " broken (all opened before the kill)");
        assertTrue(detectionMs <= DETECTION_LIMIT_MS, "down after " + detectionMs + "ms, expected <= " + DETECTION_LIMIT_MS);
        // Connections that were live on the victim when it died may break; any connection opened after the
        // kill must have been retried onto the survivor, and nothing at all may fail after detection.
        List<Attempt> newFailures = attempts.stream().filter(a -> a.failed() && a.startNanos() >= killedAt).toList();
        assertEquals(List.of(), newFailures, "connections opened after the kill that failed");
        List<Attempt> lateFailures = attempts.stream().filter(a -> a.failed() && a.endNanos() >= detectedAt).toList();
        assertEquals(List.of(), lateFailures, "failures after detection");
        long wrongServer = attempts.stream().filter(a -> a.startNanos() >= killedAt && !a.failed())
                .filter(a -> !"survivor".equals(a.server())).count();
        assertEquals(0, wrongServer, "after the kill only the survivor can answer");
    }
}
