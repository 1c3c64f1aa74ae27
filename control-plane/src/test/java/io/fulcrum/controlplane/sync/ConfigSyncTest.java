package io.fulcrum.controlplane.sync;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.Poll;
import io.fulcrum.proto.v1.AdminState;
import io.fulcrum.proto.v1.Algorithm;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.Layer;
import io.fulcrum.proto.v1.NodeHello;
import io.fulcrum.proto.v1.PersistenceMode;
import io.fulcrum.proto.v1.Protocol;
import io.fulcrum.proto.v1.Snapshot;
import io.fulcrum.proto.v1.VirtualService;
import io.grpc.Status;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ConfigSyncTest {

    @Inject
    DataSource dataSource;

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void helloReceivesTheCurrentSnapshot() throws Exception {
        long current = nonZeroVersion();
        try (NodeClient node = NodeClient.connect(uniqueName("node"), 0)) {
            assertEquals(current, node.nextAtLeast(current, TIMEOUT).getVersion());
        }
    }

    @Test
    void helloWithTheCurrentVersionReceivesNothingUntilTheNextChange() throws Exception {
        long current = nonZeroVersion();
        awaitPublished(current);
        try (NodeClient node = NodeClient.connect(uniqueName("node"), current)) {
            awaitConnected(node);
            assertNull(node.poll(Duration.ofMillis(300)));
            String name = uniqueName("after-hello");
            json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).then().statusCode(201);
            assertEquals(current + 1, node.next(TIMEOUT).getVersion());
        }
    }

    @Test
    void aWriteIsPushedAsTheNextVersionWithEveryFieldMapped() throws Exception {
        try (NodeClient node = NodeClient.connect(uniqueName("node"), 0)) {
            node.nextAtLeast(nonZeroVersion(), TIMEOUT);
            String name = uniqueName("pushed");
            String address = uniqueAddress();
            json().body("""
                    {"address": "%s", "ports": [8443, 8444], "algorithm": "source-hash",
                     "persistence": {"mode": "source-ip"},
                     "healthCheck": {"type": "http", "interval": "500ms", "port": 9000, "expectStatus": "200-299"},
                     "fallback": {"address": "127.0.0.1", "port": 8099}, "proxyProtocol": true,
                     "connectTimeout": "3s"}""".formatted(address))
                    .put(vsPath(name)).then().statusCode(201);
            long produced = Long.parseLong(json().body("{\"address\": \"127.0.0.21\", \"state\": \"drain\"}")
                    .put(rsPath(name, "RAS_Server1")).header("Fulcrum-Config-Version"));

            Snapshot snapshot = node.nextAtLeast(produced, TIMEOUT);
            assertEquals(produced, snapshot.getVersion());
            VirtualService vs = snapshot.getVirtualServicesList().stream()
                    .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
            assertEquals(address, vs.getAddress());
            assertEquals(java.util.List.of(8443, 8444), vs.getPortsList());
            assertEquals(Protocol.PROTOCOL_TCP, vs.getProtocol());
            assertEquals(Layer.LAYER_7, vs.getLayer());
            assertEquals(Algorithm.ALGORITHM_SOURCE_HASH, vs.getAlgorithm());
            assertEquals(PersistenceMode.PERSISTENCE_MODE_SOURCE_IP, vs.getPersistence().getMode());
            assertEquals(360_000, vs.getPersistence().getTimeoutMs());
            assertEquals(HealthCheckType.HEALTH_CHECK_TYPE_HTTP, vs.getHealthCheck().getType());
            assertEquals(500, vs.getHealthCheck().getIntervalMs());
            assertEquals(500, vs.getHealthCheck().getTimeoutMs());
            assertEquals(9000, vs.getHealthCheck().getPort());
            assertEquals("/", vs.getHealthCheck().getHttpPath());
            assertEquals(200, vs.getHealthCheck().getHttpExpectedStatusMin());
            assertEquals(299, vs.getHealthCheck().getHttpExpectedStatusMax());
            assertTrue(vs.hasFallback());
            assertEquals(8099, vs.getFallback().getPort());
            assertTrue(vs.getProxyProtocol());
            assertEquals(3000, vs.getConnectTimeoutMs());
            assertEquals(12 * 3_600_000L, vs.getClientIdleTimeoutMs());
            assertEquals(1, vs.getRealServersCount());
            assertEquals(0, vs.getRealServers(0).getPort());
            assertEquals(100, vs.getRealServers(0).getWeight());
            assertEquals(AdminState.ADMIN_STATE_DRAIN, vs.getRealServers(0).getState());
        }
    }

    /**
     * A node that said it reports every 100 ms and then sends nothing (its host died behind a connection
     * nobody closed) loses its stream after its silence limit, 3 s, and is shown disconnected; one that
     * keeps reporting keeps its stream.
     */
    @Test
    void aNodeThatFallsSilentLosesItsStreamAfterItsSilenceLimit() throws Exception {
        assertEquals(Duration.ofSeconds(3), NodeRegistry.silenceLimit(100));
        assertEquals(Duration.ofSeconds(5), NodeRegistry.silenceLimit(1_000));
        assertEquals(Duration.ofMinutes(5), NodeRegistry.silenceLimit(Integer.MAX_VALUE));
        assertEquals(Duration.ZERO, NodeRegistry.silenceLimit(0), "a node that does not say has no limit");
        String silentId = uniqueName("silent");
        String talkingId = uniqueName("talking");
        NodeHello.Builder hello = NodeHello.newBuilder().setHostname("test-host").setReportIntervalMs(100);
        // Before the hello is sent: the silence is counted from the hello's arrival, and the wait for the
        // node to show up as connected may take longer than the lower bound's margin on a busy machine.
        long connectedAt = System.nanoTime();
        try (NodeClient silent = NodeClient.connectWith(hello.setNodeId(silentId).build());
             NodeClient talking = NodeClient.connectWith(hello.setNodeId(talkingId).build())) {
            awaitConnected(silent, silentId);
            Status ended = null;
            for (int i = 0; i < 100 && ended == null; i++) {
                talking.report(io.fulcrum.proto.v1.NodeReport.newBuilder().setSentAtUnixMs(System.currentTimeMillis()).build());
                try {
                    ended = silent.closed.get(100, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // report again
                }
            }
            long endedAfter = (System.nanoTime() - connectedAt) / 1_000_000;
            assertEquals(Status.Code.UNAVAILABLE, ended == null ? null : ended.getCode(), "the silent node's stream");
            assertTrue(endedAfter >= 2_900 && endedAfter < 6_000, "ended after " + endedAfter + " ms");
            awaitDisconnected(silentId);
            assertFalse(talking.closed.isDone(), "a node that reports keeps its stream");
            assertEquals(Boolean.TRUE, given().get("/api/v1/nodes").jsonPath()
                    .get("find { it.id == '" + talkingId + "' }.connected"));
        }
    }

    @Test
    void aNackedVersionIsNeverResentEvenAfterReconnecting() throws Exception {
        String nodeId = uniqueName("nacker");
        long nacked;
        try (NodeClient node = NodeClient.connect(nodeId, 0)) {
            node.nextAtLeast(nonZeroVersion(), TIMEOUT);
            String name = uniqueName("refused");
            nacked = Long.parseLong(json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name))
                    .header("Fulcrum-Config-Version"));
            assertEquals(nacked, node.nextAtLeast(nacked, TIMEOUT).getVersion());
            node.nack(nacked, "port 80 in use");
            Poll.until("the nack to be recorded", TIMEOUT,
                    () -> {
                        // null until the nack arrives
                        Object version = node(nodeId).get("lastNack.version");
                        return version instanceof Number number && number.longValue() == nacked;
                    });
            assertEquals("port 80 in use", node(nodeId).getString("lastNack.reason"));
        }
        awaitDisconnected(nodeId);
        try (NodeClient node = NodeClient.connect(nodeId, nacked - 1)) {
            awaitConnected(node, nodeId);
            assertNull(node.poll(Duration.ofMillis(500)), "the refused version was sent again");
            String name = uniqueName("accepted");
            long next = Long.parseLong(json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name))
                    .header("Fulcrum-Config-Version"));
            assertEquals(next, node.next(TIMEOUT).getVersion());
        }
    }

    @Test
    void anAckShowsAsTheAppliedVersion() throws Exception {
        String nodeId = uniqueName("acker");
        try (NodeClient node = NodeClient.connect(nodeId, 0)) {
            long version = node.nextAtLeast(nonZeroVersion(), TIMEOUT).getVersion();
            node.ack(version);
            Poll.until("the ack to show", TIMEOUT, () -> node(nodeId).getLong("appliedVersion") == version);
            JsonPath shown = node(nodeId);
            assertTrue(shown.getBoolean("connected"));
            assertEquals("test-host", shown.getString("hostname"));
            assertTrue(shown.getString("connectedAt").endsWith("Z"));
            assertNull(shown.get("lastNack"));
        }
        awaitDisconnected(nodeId);
        assertFalse(node(nodeId).getBoolean("connected"));
    }

    @Test
    void aChangeCommittedByAnotherInstanceIsNoticedByPolling() throws Exception {
        String name = uniqueName("elsewhere");
        json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).then().statusCode(201);
        json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(name, "rs")).then().statusCode(201);
        try (NodeClient node = NodeClient.connect(uniqueName("node"), 0)) {
            node.nextAtLeast(configVersion(), TIMEOUT);
            long produced;
            // What another control-plane instance's transaction looks like from here: no commit event.
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    statement.executeUpdate("UPDATE real_server SET weight = 7 WHERE label = 'rs' AND virtual_service_id = "
                            + "(SELECT id FROM virtual_service WHERE name = '" + name + "')");
                    ResultSet bumped = statement.executeQuery(
                            "UPDATE config_version SET version = version + 1 RETURNING version");
                    bumped.next();
                    produced = bumped.getLong(1);
                }
                connection.commit();
            }
            Snapshot snapshot = node.nextAtLeast(produced, TIMEOUT);
            assertEquals(produced, snapshot.getVersion());
            VirtualService vs = snapshot.getVirtualServicesList().stream()
                    .filter(v -> v.getName().equals(name)).findFirst().orElseThrow();
            assertEquals(7, vs.getRealServers(0).getWeight());
        }
    }

    @Test
    void helloWithoutNodeIdIsRejected() throws Exception {
        try (NodeClient node = NodeClient.connectWith(NodeHello.newBuilder().setAppliedVersion(1).build())) {
            Status status = node.closed.get(10, TimeUnit.SECONDS);
            assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        }
    }

    @Test
    void aSecondStreamOfTheSameNodeReplacesTheFirst() throws Exception {
        String nodeId = uniqueName("twice");
        long version = nonZeroVersion();
        try (NodeClient first = NodeClient.connect(nodeId, 0)) {
            // The first stream must be registered before the second says hello.
            first.nextAtLeast(version, TIMEOUT);
            try (NodeClient second = NodeClient.connect(nodeId, 0)) {
                Status status = first.closed.get(10, TimeUnit.SECONDS);
                assertEquals(Status.Code.ABORTED, status.getCode());
                second.nextAtLeast(version, TIMEOUT);
                assertTrue(node(nodeId).getBoolean("connected"));
            }
        }
    }

    @Test
    void waitReportsAppliedOnceEveryNodeAcked() throws Exception {
        String nodeId = uniqueName("fast");
        try (NodeClient node = NodeClient.connectAcking(nodeId)) {
            node.nextAtLeast(nonZeroVersion(), TIMEOUT);
            decommissionAllBut(nodeId);
            String name = uniqueName("waited");
            json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name) + "?wait=10s")
                    .then().statusCode(201).header("Fulcrum-Sync", "applied");
        }
    }

    @Test
    void waitNamesTheNodesThatDidNotApply() throws Exception {
        String slow = uniqueName("slow");
        String refusing = uniqueName("refusing");
        try (NodeClient silent = NodeClient.connect(slow, 0); NodeClient nacking = NodeClient.connect(refusing, 0)) {
            long current = nonZeroVersion();
            silent.nextAtLeast(current, TIMEOUT);
            nacking.nextAtLeast(current, TIMEOUT);
            String name = uniqueName("unapplied");
            Thread nacker = new Thread(() -> {
                try {
                    nacking.nack(nacking.nextAtLeast(current + 1, TIMEOUT).getVersion(), "refused");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            nacker.start();
            String sync = json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name) + "?wait=3s")
                    .then().statusCode(201).extract().header("Fulcrum-Sync");
            nacker.join(TIMEOUT.toMillis());
            assertTrue(sync.startsWith("pending; nodes="), sync);
            assertTrue(sync.contains(slow), sync);
            assertTrue(sync.contains(refusing + "(nack)"), sync);
        }
    }

    @Test
    void reportsShowInTheOverview() throws Exception {
        String name = uniqueName("observed");
        String address = uniqueAddress();
        json().body(virtualService(name, address, 443)).put(vsPath(name)).then().statusCode(201);
        json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(name, "up1")).then().statusCode(201);
        json().body("{\"address\": \"127.0.0.22\"}").put(rsPath(name, "down1")).then().statusCode(201);
        String nodeId = uniqueName("reporter");
        try (NodeClient node = NodeClient.connect(nodeId, 0)) {
            long version = node.nextAtLeast(nonZeroVersion(), TIMEOUT).getVersion();
            node.report(io.fulcrum.proto.v1.NodeReport.newBuilder()
                    .setAppliedVersion(version)
                    .addVirtualServices(io.fulcrum.proto.v1.VirtualServiceStats.newBuilder()
                            .setName(name).setActiveConnections(7).setTotalConnections(70).setBytesIn(1000).setBytesOut(2000)
                            .addRealServers(io.fulcrum.proto.v1.RealServerStats.newBuilder().setLabel("up1")
                                    .setHealth(io.fulcrum.proto.v1.Health.HEALTH_UP).setHealthReason("2 checks passed")
                                    .setActiveConnections(7).setTotalConnections(70))
                            .addRealServers(io.fulcrum.proto.v1.RealServerStats.newBuilder().setLabel("down1")
                                    .setHealth(io.fulcrum.proto.v1.Health.HEALTH_DOWN).setHealthReason("connect refused"))
                            .addRealServers(io.fulcrum.proto.v1.RealServerStats.newBuilder().setLabel("gone")
                                    .setHealth(io.fulcrum.proto.v1.Health.HEALTH_UP)))
                    .addVirtualServices(io.fulcrum.proto.v1.VirtualServiceStats.newBuilder().setName("no-such-service"))
                    // Its host holds this service's address (in a node's long form), and garbage is dropped.
                    .addHeldAddresses(address).addHeldAddresses("not an address")
                    .build());
            Poll.until("the report to show", TIMEOUT, () -> node(nodeId).get("lastReport") != null);

            JsonPath overview = given().get("/api/v1/overview").then().statusCode(200).extract().jsonPath();
            String vs = "virtualServices.find { it.name == '" + name + "' }";
            assertEquals("degraded", overview.getString(vs + ".status"));
            assertEquals(7, overview.getInt(vs + ".connections"));
            assertEquals(70, overview.getInt(vs + ".totalConnections"));
            assertEquals(2000, overview.getInt(vs + ".bytesOut"));
            assertEquals(2, overview.getList(vs + ".realServers").size());
            assertEquals(java.util.List.of(nodeId), overview.getList(vs + ".activeNodes"), "the node holding the address");
            assertEquals(java.util.List.of(address), node(nodeId).getList("heldAddresses"));
            String up = vs + ".realServers.find { it.label == 'up1' }";
            assertEquals("up", overview.getString(up + ".health"));
            assertEquals("online", overview.getString(up + ".state"));
            assertEquals(7, overview.getInt(up + ".connections"));
            assertEquals(Map.of(nodeId, "up"), overview.getMap(up + ".healthByNode"));
            String down = vs + ".realServers.find { it.label == 'down1' }";
            assertEquals("down", overview.getString(down + ".health"));
            assertEquals("connect refused", overview.getString(down + ".healthReason"));
        }
        awaitDisconnected(nodeId);
        // Without a connected reporter nothing is known about health any more.
        given().get("/api/v1/overview").then().statusCode(200);
        JsonPath overview = given().get("/api/v1/overview").jsonPath();
        assertEquals("unknown", overview.getString("virtualServices.find { it.name == '" + name
                + "' }.realServers.find { it.label == 'up1' }.health"));
    }

    /**
     * The current configuration version, made non-zero first: a node saying hello with applied
     * version 0 is rightly sent nothing while the configuration is still at version 0.
     */
    private static long nonZeroVersion() {
        long version = configVersion();
        if (version > 0) {
            return version;
        }
        String name = uniqueName("first");
        return Long.parseLong(json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name))
                .header("Fulcrum-Config-Version"));
    }

    /** Earlier tests' nodes stay registered (disconnected) until decommissioned, and ?wait waits for them. */
    static void decommissionAllBut(String nodeId) {
        Poll.until("only " + nodeId + " registered", TIMEOUT, () -> {
            JsonPath nodes = given().get("/api/v1/nodes").then().statusCode(200).extract().jsonPath();
            for (String other : nodes.<String>getList("findAll { !it.connected }.id")) {
                given().delete("/api/v1/nodes/" + other).then().statusCode(org.hamcrest.Matchers.oneOf(204, 404, 409));
            }
            return given().get("/api/v1/nodes").jsonPath().getList("id").equals(java.util.List.of(nodeId));
        });
    }

    static JsonPath node(String nodeId) {
        return new JsonPath(given().get("/api/v1/nodes").then().statusCode(200).extract().asString())
                .setRootPath("find { it.id == '" + nodeId + "' }");
    }

    private static void awaitConnected(NodeClient node) {
        // The hello carried the current version, so there is nothing to receive; the registry shows it.
        Poll.until("a node to connect", TIMEOUT, () -> given().get("/api/v1/nodes").jsonPath()
                .getList("findAll { it.connected }").size() > 0);
    }

    private static void awaitConnected(NodeClient node, String nodeId) {
        Poll.until(nodeId + " to connect", TIMEOUT, () -> Boolean.TRUE.equals(
                given().get("/api/v1/nodes").jsonPath().get("find { it.id == '" + nodeId + "' }.connected")));
    }

    private static void awaitDisconnected(String nodeId) {
        Poll.until(nodeId + " to disconnect", TIMEOUT, () -> Boolean.FALSE.equals(
                given().get("/api/v1/nodes").jsonPath().get("find { it.id == '" + nodeId + "' }.connected")));
    }

    private static void awaitPublished(long version) throws Exception {
        try (NodeClient probe = NodeClient.connect(uniqueName("probe"), 0)) {
            probe.nextAtLeast(version, TIMEOUT);
        }
    }
}
