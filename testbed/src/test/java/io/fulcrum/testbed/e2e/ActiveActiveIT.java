package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.ApiResponse;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.OneService;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two control-plane instances on one PostgreSQL, one node on each: a write through either reaches the
 * node on the other within a fraction of a second (LISTEN/NOTIFY, not the poll), ?wait through either
 * waits for both nodes, both list both nodes; killing one instance under a stream of writes moves its
 * node to the other, every write answered 2xx is served, and both nodes end on the last version.
 */
class ActiveActiveIT {
    private static final int PROPAGATION_SAMPLES = 40;
    private static final int WRITES_UNDER_FAILOVER = 150;

    @Test
    void writesThroughEitherInstanceReachEveryNodeAndAKilledInstancesNodeMoves() throws Exception {
        Path work = Path.of("target", "e2e", "active-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        Path controlPlaneJar = Path.of(System.getProperty("fulcrum.controlPlane.jar"));
        Path dataPlaneJar = Path.of(System.getProperty("fulcrum.dataPlane.jar"));
        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess first = ControlPlaneProcess.start(controlPlaneJar, database, work.resolve("cp-1"),
                     Map.of("FULCRUM_INSTANCE_ID", "cp-1"));
             ControlPlaneProcess second = ControlPlaneProcess.start(controlPlaneJar, database, work.resolve("cp-2"),
                     Map.of("FULCRUM_INSTANCE_ID", "cp-2"));
             NameServer server = NameServer.start("shared", "127.0.0.49");
             DataPlaneNode nodeOne = DataPlaneNode.start(dataPlaneJar, "node-on-1",
                     first.grpcTarget() + "," + second.grpcTarget(), work, List.of());
             DataPlaneNode nodeTwo = DataPlaneNode.start(dataPlaneJar, "node-on-2",
                     second.grpcTarget() + "," + first.grpcTarget(), work, List.of())) {
            FulcrumApi one = first.api();
            FulcrumApi two = second.api();
            List<String> bothNodes = List.of("node-on-1", "node-on-2");
            OneService.serve(one, "Shared", server, bothNodes);
            new NodeSync(two).awaitApplied(bothNodes, new NodeSync(one).currentVersion(), Duration.ofSeconds(30));
            assertEquals("cp-1", connectedTo(one, "node-on-1"));
            assertEquals("cp-2", connectedTo(one, "node-on-2"));
            assertEquals("cp-1", connectedTo(two, "node-on-1"), "both instances list both nodes alike");

            // Written through cp-1, applied by the node on cp-2, as cp-2 (which holds it) sees the ack.
            List<Long> propagationMillis = new ArrayList<>();
            for (int i = 0; i < PROPAGATION_SAMPLES; i++) {
                long started = System.nanoTime();
                long produced = one.patch(FulcrumApi.realServer("Shared", server.name()), Specs.patch("weight", 10 + i))
                        .requireSuccess().requireConfigVersion();
                Poll.until("node-on-2 to apply " + produced, Duration.ofSeconds(10),
                        () -> applied(two, "node-on-2") >= produced);
                propagationMillis.add((System.nanoTime() - started) / 1_000_000);
            }
            Collections.sort(propagationMillis);
            long p50 = propagationMillis.get(PROPAGATION_SAMPLES / 2);
            long p99 = propagationMillis.get(PROPAGATION_SAMPLES - 1);
            System.out.println("active-active: a write through cp-1 applied by the node on cp-2 after p50 " + p50
                    + " ms, p99 (max of " + PROPAGATION_SAMPLES + ") " + p99 + " ms, commit and ack included");

            // Each instance's overview shows both nodes' reports: the other instance shares what it holds.
            for (FulcrumApi api : List.of(one, two)) {
                Poll.until("both nodes' reports in " + api.base() + "'s overview", Duration.ofSeconds(15), () -> {
                    JsonNode byNode = new io.fulcrum.testbed.e2e.harness.Overview(api).realServer("Shared", server.name())
                            .path("healthByNode");
                    return byNode.has("node-on-1") && byNode.has("node-on-2");
                });
            }

            // ?wait through cp-2 waits for both nodes, the one on cp-1 included.
            ApiResponse waited = two.patch(FulcrumApi.realServer("Shared", server.name()) + "?wait=10s",
                    Specs.patch("weight", 77)).requireSuccess();
            assertEquals("applied", waited.headers().firstValue("Fulcrum-Sync").orElse("(missing)"));

            // cp-1 dies (KILL) in the middle of a stream of writes through cp-2.
            AtomicLong lastAcknowledged = new AtomicLong();
            List<Integer> failedStatuses = Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                for (int i = 0; i < WRITES_UNDER_FAILOVER; i++) {
                    ApiResponse write = two.patch(FulcrumApi.realServer("Shared", server.name()),
                            Specs.patch("weight", 100 + i));
                    if (write.status() / 100 == 2) {
                        lastAcknowledged.set(write.requireConfigVersion());
                    } else {
                        failedStatuses.add(write.status());
                    }
                }
            }, "writer");
            writer.start();
            Poll.until("writes under way", Duration.ofSeconds(10), () -> lastAcknowledged.get() > 0);
            long killedAt = System.nanoTime();
            first.process().kill();
            Poll.until("node-on-1 held by cp-2", Duration.ofSeconds(10), () -> "cp-2".equals(connectedTo(two, "node-on-1")));
            long movedMillis = (System.nanoTime() - killedAt) / 1_000_000;
            writer.join(Duration.ofSeconds(60).toMillis());
            assertTrue(failedStatuses.isEmpty(), "writes through the surviving instance failed: " + failedStatuses);
            long last = lastAcknowledged.get();
            new NodeSync(two).awaitApplied(bothNodes, last, Duration.ofSeconds(10));
            JsonNode served = two.get(FulcrumApi.realServer("Shared", server.name())).requireSuccess().json();
            assertEquals(100 + WRITES_UNDER_FAILOVER - 1, served.path("weight").asInt(), "the last write is stored");
            System.out.println("active-active: node-on-1 moved to cp-2 " + movedMillis + " ms after cp-1 was killed; "
                    + WRITES_UNDER_FAILOVER + " writes through cp-2 meanwhile, 0 failed, both nodes on version " + last);
            assertTrue(p50 <= 200, "propagation p50 " + p50 + " ms");
            assertTrue(p99 <= 1000, "propagation p99 " + p99 + " ms");
            assertTrue(movedMillis < 5000, "moved after " + movedMillis + " ms");
        }
    }

    private static String connectedTo(FulcrumApi api, String id) {
        JsonNode node = new NodeSync(api).node(id);
        return node == null || !node.path("connected").asBoolean() ? null : node.path("connectedTo").asText(null);
    }

    private static long applied(FulcrumApi api, String id) {
        JsonNode node = new NodeSync(api).node(id);
        return node == null ? -1 : node.path("appliedVersion").asLong();
    }
}
