package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.ApiResponse;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.OneService;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL goes away under a running control plane and a node: writes answer 503 with Retry-After
 * as problem+json, fast; the operator's views (/nodes, /overview) keep answering from memory, marked
 * Fulcrum-Stale, to a token checked before the outage; the node keeps serving; when the database
 * returns the API recovers by itself.
 */
class DatabaseOutageIT {
    private static final int WRITES_DURING_OUTAGE = 10;

    @Test
    void withTheDatabaseGoneWritesAre503TheViewsStayAndTheApiRecoversByItself() {
        String external = System.getenv("FULCRUM_TEST_DB_URL");
        assumeTrue(external == null || external.isBlank(), "stops the database server: needs the embedded one");
        Path work = Path.of("target", "e2e", "db-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        TestDatabase database = TestDatabase.createRestartable(work.resolve("pgdata"));
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.start(
                     Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work);
             NameServer server = NameServer.start("steady", "127.0.0.50");
             DataPlaneNode node = DataPlaneNode.start(Path.of(System.getProperty("fulcrum.dataPlane.jar")),
                     "outage-node", controlPlane.grpcTarget(), work, List.of())) {
            FulcrumApi api = controlPlane.api();
            InetSocketAddress steady = OneService.serve(api, "Steady", server, List.of("outage-node"));

            database.stopServer();
            List<Long> writeMillis = new ArrayList<>();
            for (int i = 0; i < WRITES_DURING_OUTAGE; i++) {
                long started = System.nanoTime();
                ApiResponse answer = api.patch(FulcrumApi.realServer("Steady", server.name()), Specs.patch("weight", 50 + i));
                writeMillis.add((System.nanoTime() - started) / 1_000_000);
                assertEquals(503, answer.status(), answer.method() + " " + answer.path() + ": " + answer.body());
                assertEquals("5", answer.headers().firstValue("Retry-After").orElse(""), answer.toString());
                assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
                assertTrue(answer.body().contains("urn:fulcrum:problem:database-unavailable"), answer.body());
            }
            Collections.sort(writeMillis);

            ApiResponse nodes = Poll.untilValue("/api/v1/nodes marked stale", Duration.ofSeconds(15),
                    () -> api.get("/api/v1/nodes"), answer -> answer.headers().firstValue("Fulcrum-Stale").isPresent());
            assertEquals(200, nodes.status(), nodes.body());
            assertEquals("outage-node", nodes.json().get(0).path("id").asText());
            ApiResponse overview = api.get("/api/v1/overview");
            assertEquals(200, overview.status(), overview.body());
            assertEquals("database-unavailable", overview.headers().firstValue("Fulcrum-Stale").orElse("(missing)"));
            assertTrue(overview.body().contains("\"Steady\""), overview.body());
            int answered = 0;
            for (int i = 0; i < 20; i++) {
                if ("steady".equals(LineClient.askQuietly("127.0.0." + (170 + i), steady))) {
                    answered++;
                }
            }
            assertEquals(20, answered, "the node keeps serving without the database");
            ApiResponse unknownToken = new FulcrumApi(api.base(), "fulcrum_never-seen-0123456789abcdefghijklmnopqrstu")
                    .get("/api/v1/nodes");
            assertEquals(503, unknownToken.status(), "a token never checked cannot be checked now: " + unknownToken);

            long restartedAt = System.nanoTime();
            database.startServer();
            ApiResponse recovered = Poll.untilValue("a write to succeed again", Duration.ofSeconds(30),
                    () -> api.patch(FulcrumApi.realServer("Steady", server.name()), Specs.patch("weight", 99)),
                    answer -> answer.status() == 200);
            long recoveredMillis = (System.nanoTime() - restartedAt) / 1_000_000;
            new NodeSync(api).awaitApplied(List.of("outage-node"), recovered.requireConfigVersion(), Duration.ofSeconds(10));
            Poll.until("/api/v1/nodes no longer stale", Duration.ofSeconds(15),
                    () -> api.get("/api/v1/nodes").headers().firstValue("Fulcrum-Stale").isEmpty());
            System.out.println("database outage: writes answered 503 in p50 " + writeMillis.get(WRITES_DURING_OUTAGE / 2)
                    + " ms, max " + writeMillis.get(WRITES_DURING_OUTAGE - 1) + " ms; /nodes and /overview answered 200"
                    + " (stale); the node served 20 of 20; the API took writes " + recoveredMillis
                    + " ms after the database was back");
            assertTrue(writeMillis.get(WRITES_DURING_OUTAGE / 2) < 1000, "503 p50 " + writeMillis);
            assertTrue(controlPlane.process().isAlive());
        } finally {
            database.close();
        }
    }

    /**
     * The database stops in the middle of a stream of writes and comes back: every write answered 2xx is
     * stored, exactly once (one audit entry), and no write answered otherwise is.
     */
    @Test
    void everyAcknowledgedWriteSurvivesTheDatabaseStoppingMidStreamAndNoFailedOneIsStored() {
        String external = System.getenv("FULCRUM_TEST_DB_URL");
        assumeTrue(external == null || external.isBlank(), "stops the database server: needs the embedded one");
        Path work = Path.of("target", "e2e", "durable-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        TestDatabase database = TestDatabase.createRestartable(work.resolve("pgdata"));
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.start(
                Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work)) {
            FulcrumApi api = controlPlane.api();
            api.put(FulcrumApi.virtualService("Durable"), Specs.virtualService("Durable", 9444, "weighted-round-robin"))
                    .requireSuccess();
            java.util.Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.Set<String> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
            // Stops the database under the writer, whatever write is in flight at that moment, and brings
            // it back after 50 refusals.
            Thread outage = new Thread(() -> {
                Poll.until("100 writes acknowledged", Duration.ofSeconds(30), () -> acknowledged.size() >= 100);
                database.stopServer();
                Poll.until("50 writes refused", Duration.ofSeconds(30), () -> failed.size() >= 50);
                database.startServer();
            }, "outage");
            outage.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            // Bounded by the deadline; the count only keeps ports in range. Refusals during the outage come
            // at a round trip's speed (the API knows the database is away), so a refused writer pauses 10 ms,
            // as a client would, instead of using up the count before the database is back.
            for (int i = 0; i < 50_000 && acknowledged.size() < 200 && System.nanoTime() < deadline; i++) {
                String label = "rs-" + i;
                com.fasterxml.jackson.databind.node.ObjectNode body = new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode().put("address", "127.0.0." + (20 + i % 200)).put("port", 10_000 + i);
                ApiResponse answer = api.put(FulcrumApi.realServer("Durable", label), body);
                if (answer.status() / 100 == 2) {
                    acknowledged.add(label);
                } else {
                    failed.add(label);
                    java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
            }
            try {
                outage.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            boolean restarted = acknowledged.size() >= 200;
            assertTrue(restarted, "the database went away and came back during the stream");
            Poll.until("the API to take reads again", Duration.ofSeconds(30),
                    () -> api.get(FulcrumApi.virtualService("Durable") + "/real-servers").status() == 200);
            java.util.Set<String> stored = new java.util.HashSet<>();
            for (com.fasterxml.jackson.databind.JsonNode server
                    : api.get(FulcrumApi.virtualService("Durable") + "/real-servers").requireSuccess().json()) {
                stored.add(server.path("label").asText());
            }
            java.util.Map<String, Integer> audited = new java.util.HashMap<>();
            for (com.fasterxml.jackson.databind.JsonNode entry : api.get("/api/v1/audit?limit=1000").requireSuccess().json()) {
                String resource = entry.path("resource").asText();
                if (resource.startsWith(FulcrumApi.virtualService("Durable") + "/real-servers/")) {
                    audited.merge(resource.substring(resource.lastIndexOf('/') + 1), 1, Integer::sum);
                }
            }
            java.util.Set<String> lost = new java.util.HashSet<>(acknowledged);
            lost.removeAll(stored);
            java.util.Set<String> ghosts = new java.util.HashSet<>(failed);
            ghosts.retainAll(stored);
            System.out.println("durability: " + (acknowledged.size() + failed.size()) + " writes, " + acknowledged.size()
                    + " acknowledged, " + failed.size() + " refused (503) while the database was away; " + lost.size()
                    + " acknowledged writes missing, " + ghosts.size() + " refused writes stored");
            assertEquals(java.util.Set.of(), lost, "acknowledged writes lost");
            assertEquals(java.util.Set.of(), ghosts, "refused writes stored");
            for (String label : acknowledged) {
                assertEquals(1, audited.getOrDefault(label, 0), label + " audited exactly once");
            }
        } finally {
            database.close();
        }
    }
}
