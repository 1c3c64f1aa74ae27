package io.fulcrum.controlplane.realserver;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.createVirtualService;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.realServer;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@QuarkusTest
class RealServerApiTest {

    @Test
    void createdRealServerShowsDefaults() {
        String vs = createVirtualService();
        json().body(realServer("RAS_Server1", "127.0.0.21")).post(vsPath(vs) + "/real-servers")
                .then().statusCode(201)
                .header("Location", containsString(rsPath(vs, "RAS_Server1")))
                .body("label", equalTo("RAS_Server1"))
                .body("address", equalTo("127.0.0.21"))
                .body("port", nullValue())
                .body("weight", equalTo(100))
                .body("minConnections", equalTo(0))
                .body("maxConnections", equalTo(0))
                .body("state", equalTo("online"));
    }

    @Test
    void drainIsAMergePatchOfState() {
        String vs = createVirtualService();
        json().body(realServer("a", "127.0.0.21")).put(rsPath(vs, "a")).then().statusCode(201);
        long before = configVersion();
        Response drained = given().contentType("application/merge-patch+json").body("{\"state\": \"drain\"}")
                .patch(rsPath(vs, "a"));
        drained.then().statusCode(200).body("state", equalTo("drain")).body("weight", equalTo(100));
        assertEquals(String.valueOf(before + 1), drained.header("Fulcrum-Config-Version"));
        assertEquals("\"" + (before + 1) + "\"", drained.header("ETag"));
        // The virtual service itself did not change, so its version stays.
        given().get(vsPath(vs)).then().body("version", equalTo((int) before - 1));
    }

    @Test
    void putCreatesThenReplacesAndIdenticalPutIsANoOp() {
        String vs = createVirtualService();
        String body = "{\"address\": \"127.0.0.22\", \"port\": 8443, \"weight\": 50}";
        Response created = json().body(body).put(rsPath(vs, "b"));
        created.then().statusCode(201);
        long before = configVersion();
        Response again = json().body(body).put(rsPath(vs, "b"));
        again.then().statusCode(200);
        assertEquals(created.header("ETag"), again.header("ETag"));
        assertEquals(before, configVersion());
        json().body("{\"address\": \"127.0.0.22\", \"port\": 8443, \"weight\": 60}").put(rsPath(vs, "b"))
                .then().statusCode(200).body("weight", equalTo(60));
        assertEquals(before + 1, configVersion());
    }

    @Test
    void duplicateLabelIsAConflict() {
        String vs = createVirtualService();
        json().body(realServer("dup", "127.0.0.21")).post(vsPath(vs) + "/real-servers").then().statusCode(201);
        json().body(realServer("dup", "127.0.0.22")).post(vsPath(vs) + "/real-servers")
                .then().statusCode(409).contentType("application/problem+json")
                .body("errors.field", hasItem("label"));
    }

    @Test
    void duplicateAddressAndPortWithinAServiceIsAConflict() {
        String vs = createVirtualService();
        json().body("{\"address\": \"127.0.0.21\", \"port\": 80}").put(rsPath(vs, "one")).then().statusCode(201);
        json().body("{\"address\": \"127.0.0.21\", \"port\": 80}").put(rsPath(vs, "two"))
                .then().statusCode(409).body("detail", containsString("one"));
        json().body("{\"address\": \"127.0.0.21\", \"port\": 81}").put(rsPath(vs, "two")).then().statusCode(201);
        json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(vs, "three")).then().statusCode(201);
        json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(vs, "four")).then().statusCode(409);
        // The same endpoint in another virtual service is fine.
        String other = createVirtualService();
        json().body("{\"address\": \"127.0.0.21\", \"port\": 80}").put(rsPath(other, "one")).then().statusCode(201);
    }

    @Test
    void realServersOfAMissingServiceAre404() {
        String vs = uniqueName("nothere");
        json().body(realServer("a", "127.0.0.21")).put(rsPath(vs, "a")).then().statusCode(404);
        given().get(vsPath(vs) + "/real-servers").then().statusCode(404);
    }

    @Test
    void deletingTheServiceRemovesItsRealServers() {
        String vs = createVirtualService();
        json().body(realServer("a", "127.0.0.21")).put(rsPath(vs, "a")).then().statusCode(201);
        given().delete(vsPath(vs)).then().statusCode(204);
        json().body(createBodyFor(vs)).put(vsPath(vs)).then().statusCode(201);
        given().get(vsPath(vs) + "/real-servers").then().statusCode(200).body("$", org.hamcrest.Matchers.empty());
    }

    private static String createBodyFor(String vs) {
        return "{\"address\": \"" + io.fulcrum.controlplane.Fixtures.uniqueAddress() + "\", \"ports\": [1]}";
    }

    @Test
    void staleIfMatchIsRefusedForEveryWrite() {
        String vs = createVirtualService();
        String etag = json().body(realServer("a", "127.0.0.21")).put(rsPath(vs, "a")).header("ETag");
        json().header("If-Match", "\"1\"").body(realServer("a", "127.0.0.22")).put(rsPath(vs, "a")).then().statusCode(412);
        json().header("If-Match", "\"1\"").body("{\"weight\": 1}").patch(rsPath(vs, "a")).then().statusCode(412);
        given().header("If-Match", "W/" + etag).delete(rsPath(vs, "a")).then().statusCode(412);
        given().header("If-Match", etag).delete(rsPath(vs, "a")).then().statusCode(204);
        given().get(rsPath(vs, "a")).then().statusCode(404);
    }

    @Test
    void listIsOrderedByLabel() {
        String vs = createVirtualService();
        json().body(realServer("b", "127.0.0.22")).put(rsPath(vs, "b")).then().statusCode(201);
        json().body(realServer("a", "127.0.0.21")).put(rsPath(vs, "a")).then().statusCode(201);
        given().get(vsPath(vs) + "/real-servers").then().statusCode(200).body("label", contains("a", "b"));
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("{\"label\": \"x y\", \"address\": \"127.0.0.1\"}", "label", "label: x y (expected 1..64 of [A-Za-z0-9_.-], not . or ..)"),
                Arguments.of("{\"address\": \"host.example\"}", "address", "literal"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"port\": 0}", "port", "port: 0 (expected 1..65535)"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"weight\": -1}", "weight", "weight: -1 (expected 0..65535)"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"weight\": 65536}", "weight", "0..65535"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"minConnections\": -1}", "minConnections", "minConnections: -1 (expected 0..1000000)"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"maxConnections\": -5}", "maxConnections", "maxConnections: -5 (expected 0..1000000)"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"minConnections\": 10, \"maxConnections\": 5}",
                        "minConnections", "<= maxConnections 5"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"state\": \"offline\"}", "state", "online | drain | halt"),
                Arguments.of("{\"address\": \"127.0.0.1\", \"backend\": 1}", "backend", "unknown field"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("violations")
    void invalidFieldIsRefusedAndNamed(String body, String field, String expected) {
        String vs = createVirtualService();
        long before = configVersion();
        json().body(body).put(rsPath(vs, "rs1"))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem(field))
                .body("errors.find { it.field == '" + field + "' }.message", containsString(expected));
        given().get(rsPath(vs, "rs1")).then().statusCode(404);
        assertEquals(before, configVersion());
    }

    @Test
    void minAboveMaxIsFineWhenMaxIsUnlimited() {
        String vs = createVirtualService();
        json().body("{\"address\": \"127.0.0.1\", \"minConnections\": 10}").put(rsPath(vs, "a")).then().statusCode(201);
    }
}
