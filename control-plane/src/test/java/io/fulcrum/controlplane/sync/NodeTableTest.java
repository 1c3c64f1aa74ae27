package io.fulcrum.controlplane.sync;

import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.Poll;
import io.fulcrum.controlplane.contract.TestCredentials;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Nodes live in PostgreSQL: registered by their hello, kept while disconnected, decommissioned by
 * DELETE; other instances' rows arrive by NOTIFY; ?wait waits for every registered node, asynchronously.
 */
@QuarkusTest
class NodeTableTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    DataSource dataSource;
    @TestHTTPResource("/")
    URI base;

    /** A configuration to receive: a node's hello at version 0 is sent the current one. */
    @org.junit.jupiter.api.BeforeEach
    void someConfiguration() {
        io.fulcrum.controlplane.Fixtures.createVirtualService();
    }

    @Test
    void aNodeIsRegisteredInTheTableAndStaysWhenItDisconnects() throws Exception {
        String nodeId = uniqueName("registered");
        try (NodeClient node = NodeClient.connect(nodeId, 0)) {
            node.nextAtLeast(1, TIMEOUT);
            Poll.until("the row naming this instance", TIMEOUT, () -> connectedTo(nodeId) != null);
        }
        Poll.until("the row released", TIMEOUT, () -> "none".equals(connectedTo(nodeId)));
        JsonPath listed = ConfigSyncTest.node(nodeId);
        assertEquals(false, listed.getBoolean("connected"));
        assertEquals("disconnected", listed.getString("state"));
        assertTrue(listed.getString("firstSeen") != null && listed.getString("lastSeen") != null);

        given().delete("/api/v1/nodes/" + nodeId).then().statusCode(204);
        assertEquals(null, connectedTo(nodeId), "the row is gone");
        given().delete("/api/v1/nodes/" + nodeId).then().statusCode(404);
    }

    @Inject
    NodeStore store;

    @Test
    void aLateHelloWriteNeverTakesARowFromTheInstanceThatHeardTheNodeSince() throws Exception {
        String nodeId = uniqueName("moved");
        java.time.Instant now = java.time.Instant.now();
        NodeRecord newer = new NodeRecord(nodeId, "h", "v", now, now, 3, null, "cp-b");
        NodeRecord older = new NodeRecord(nodeId, "h", "v", now, now.minusSeconds(30), 2, null, "cp-a");
        store.write(List.of(new NodeStore.NodeState(newer, true)), "cp-b");
        store.write(List.of(new NodeStore.NodeState(older, true)), "cp-a");
        assertEquals("cp-b", connectedTo(nodeId), "the stale hello of cp-a took nothing over");
        NodeRecord later = new NodeRecord(nodeId, "h", "v", now, now.plusSeconds(1), 4, null, "cp-a");
        store.write(List.of(new NodeStore.NodeState(later, true)), "cp-a");
        assertEquals("cp-a", connectedTo(nodeId), "a newer hello does");
        writeRowAsAnotherInstance(nodeId, 0, false);
        given().delete("/api/v1/nodes/" + nodeId).then().statusCode(204);
    }

    @Test
    void aConnectedNodeCannotBeDecommissioned() throws Exception {
        String nodeId = uniqueName("busy");
        try (NodeClient node = NodeClient.connect(nodeId, 0)) {
            node.nextAtLeast(1, TIMEOUT);
            given().delete("/api/v1/nodes/" + nodeId).then().statusCode(409)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void aWaitNamesARegisteredNodeThatIsNotConnected() throws Exception {
        String gone = uniqueName("gone");
        try (NodeClient node = NodeClient.connect(gone, 0)) {
            node.nextAtLeast(1, TIMEOUT);
        }
        Poll.until(gone + " disconnected", TIMEOUT, () -> "none".equals(connectedTo(gone)));
        String name = uniqueName("unserved");
        String sync = json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name) + "?wait=300ms")
                .then().statusCode(201).extract().header("Fulcrum-Sync");
        assertTrue(sync.contains(gone + "(disconnected)"), sync);
        given().delete("/api/v1/nodes/" + gone).then().statusCode(204);
    }

    @Test
    void anotherInstancesNodeArrivesByNotifyAndItsAckCompletesAWait() throws Exception {
        String nodeId = uniqueName("elsewhere");
        String hereId = uniqueName("here");
        try (NodeClient here = NodeClient.connectAcking(hereId)) {
            here.nextAtLeast(1, TIMEOUT);
            ConfigSyncTest.decommissionAllBut(hereId);
            long version = io.fulcrum.controlplane.Fixtures.configVersion();
            writeRowAsAnotherInstance(nodeId, version, true);
            // Not listed yet (the notification still on its way) reads as null: poll on.
            Poll.until(nodeId + " listed as connected elsewhere", TIMEOUT,
                    () -> Boolean.TRUE.equals(given().get("/api/v1/nodes").jsonPath()
                            .get("find { it.id == '" + nodeId + "' }.connected")));
            assertEquals("cp-elsewhere", ConfigSyncTest.node(nodeId).getString("connectedTo"));

            String name = uniqueName("shared");
            CompletableFuture<HttpResponse<String>> write = send("PUT", vsPath(name) + "?wait=10s",
                    virtualService(name, uniqueAddress(), 80));
            // The other instance's node has not applied it: the write waits for it.
            Poll.until("the write committed", TIMEOUT, () -> io.fulcrum.controlplane.Fixtures.configVersion() > version);
            long produced = io.fulcrum.controlplane.Fixtures.configVersion();
            if (write.isDone()) {
                HttpResponse<String> early = write.join();
                throw new AssertionError("answered before " + nodeId + " applied it: " + early.statusCode() + " "
                        + early.headers().map() + " " + early.body());
            }
            long ackedAt = System.nanoTime();
            writeRowAsAnotherInstance(nodeId, produced, true);
            HttpResponse<String> answered = write.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long afterAck = (System.nanoTime() - ackedAt) / 1_000_000;
            assertEquals(201, answered.statusCode(), answered.body());
            assertEquals("applied", answered.headers().firstValue("Fulcrum-Sync").orElse(null));
            // A notification, not the wait's own 10 s: milliseconds, with room for a busy machine.
            assertTrue(afterAck < 2_000, "the other instance's ack completed the wait in " + afterAck + " ms");

        } finally {
            // The other instance lets the node go, so it can be decommissioned; never hides a failure above.
            writeRowAsAnotherInstance(nodeId, 0, false);
            given().delete("/api/v1/nodes/" + nodeId);
        }
    }

    @Test
    void fiveHundredConcurrentWaitsHoldNoWorkerAndAllCompleteOnTheAck() throws Exception {
        String nodeId = uniqueName("slow-acker");
        try (NodeClient node = NodeClient.connect(nodeId, 0)) {
            node.nextAtLeast(1, TIMEOUT);
            ConfigSyncTest.decommissionAllBut(nodeId);
            String name = uniqueName("waited-on");
            json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).then().statusCode(201);
            json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(name, "rs")).then().statusCode(201);
            long before = io.fulcrum.controlplane.Fixtures.configVersion();
            List<CompletableFuture<HttpResponse<String>>> waits = new ArrayList<>();
            // Sent 50 at a time, each batch committed before the next: 500 writes at once would queue for
            // the database pool and, on a busy machine, some would get its 503 (the pool's acquisition
            // timeout) before their turn. What is tested is 500 waits at once, after their commits.
            for (int batch = 1; batch <= 10; batch++) {
                for (int i = 0; i < 50; i++) {
                    waits.add(send("PATCH", rsPath(name, "rs") + "?wait=30s", "{\"weight\": " + (waits.size() + 1) + "}"));
                }
                long committed = before + 50L * batch;
                Poll.until(committed - before + " writes waiting", Duration.ofSeconds(30),
                        () -> io.fulcrum.controlplane.Fixtures.configVersion() >= committed);
            }
            // Every worker would be parked by now if waits held threads; a read still answers at once.
            long readStarted = System.nanoTime();
            given().get("/api/v1/nodes").then().statusCode(200);
            long readMillis = (System.nanoTime() - readStarted) / 1_000_000;
            assertTrue(waits.stream().noneMatch(CompletableFuture::isDone), "no wait may answer before the ack");

            long last = io.fulcrum.controlplane.Fixtures.configVersion();
            node.ack(last);
            int applied = 0;
            for (CompletableFuture<HttpResponse<String>> wait : waits) {
                HttpResponse<String> answered = wait.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                assertEquals(200, answered.statusCode(), answered.body());
                if ("applied".equals(answered.headers().firstValue("Fulcrum-Sync").orElse(null))) {
                    applied++;
                }
            }
            System.out.println("500 concurrent waits: a read answered in " + readMillis + " ms meanwhile; "
                    + applied + " answered applied on one ack");
            assertEquals(500, applied);
            assertTrue(readMillis < 2000, "read took " + readMillis + " ms");
        }
    }

    private CompletableFuture<HttpResponse<String>> send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + TestCredentials.ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(60))
                .build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** As another control-plane instance holding the node would: write its row, announce it. */
    private void writeRowAsAnotherInstance(String nodeId, long applied, boolean connected) throws Exception {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement upsert = connection.prepareStatement("""
                     INSERT INTO node (id, hostname, software_version, first_seen, last_seen, applied_version, connected_to)
                     VALUES (?, 'other-host', 'test', now(), now(), ?, ?)
                     ON CONFLICT (id) DO UPDATE SET last_seen = now(), applied_version = EXCLUDED.applied_version,
                         connected_to = EXCLUDED.connected_to""");
             PreparedStatement announce = connection.prepareStatement("SELECT pg_notify('fulcrum_nodes', ?)")) {
            upsert.setString(1, nodeId);
            upsert.setLong(2, applied);
            upsert.setString(3, connected ? "cp-elsewhere" : null);
            upsert.executeUpdate();
            announce.setString(1, "cp-elsewhere " + nodeId);
            announce.execute();
        }
    }

    /** The instance the node's row names, "none" when it names none, null without a row. */
    private String connectedTo(String nodeId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT connected_to FROM node WHERE id = ?")) {
            select.setString(1, nodeId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                String instance = row.getString(1);
                return instance == null ? "none" : instance;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
