package io.fulcrum.controlplane.api;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.createVirtualService;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests a hostile or careless client sends, each answered with a precise problem+json 4xx that
 * names what is wrong, and none changing anything.
 */
@QuarkusTest
class HostileRequestApiTest {

    @ParameterizedTest(name = "dryRun={0}")
    @ValueSource(strings = {"1", "yes", "null", "ture", "", "TRUE", "True", "0", "false%20", "%20true"})
    void aDryRunThatIsNotExactlyTrueOrFalseIsRefusedAndDeletesNothing(String value) {
        String name = createVirtualService();
        long before = configVersion();
        json().body("{\"virtualServices\": []}").urlEncodingEnabled(false).put("/api/v1/config?dryRun=" + value)
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("dryRun"));
        given().get(vsPath(name)).then().statusCode(200);
        assertEquals(before, configVersion());
    }

    @Test
    void aRepeatedOrMisspelledQueryParameterIsRefusedByName() {
        String name = createVirtualService();
        json().body("{\"virtualServices\": []}").put("/api/v1/config?dryRun=true&dryRun=false")
                .then().statusCode(400).body("errors[0].field", equalTo("dryRun"))
                .body("errors[0].message", containsString("more than once"));
        json().body("{\"virtualServices\": []}").put("/api/v1/config?dryrun=true")
                .then().statusCode(400).body("errors[0].field", equalTo("dryrun"))
                .body("errors[0].message", containsString("unknown query parameter (expected one of dryRun, wait)"));
        given().get("/api/v1/overview?verbose=1").then().statusCode(400).body("errors[0].field", equalTo("verbose"));
        given().get(vsPath(name)).then().statusCode(200);
    }

    @Test
    void anOverflowingWaitIsRefusedOnEveryWrite() {
        String name = createVirtualService();
        String label = uniqueName("rs");
        json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(name, label)).then().statusCode(201);
        long before = configVersion();
        String wait = "?wait=999999999999999m";
        String vs = "{\"address\": \"" + uniqueAddress() + "\", \"ports\": [80]}";
        List<io.restassured.response.Response> answers = List.of(
                json().body("{\"name\": \"" + uniqueName("w") + "\", \"address\": \"" + uniqueAddress()
                        + "\", \"ports\": [80]}").post("/api/v1/virtual-services" + wait),
                json().body(vs).put(vsPath(uniqueName("w")) + wait),
                json().body("{}").patch(vsPath(name) + wait),
                given().delete(vsPath(name) + wait),
                json().body("{\"label\": \"x\", \"address\": \"127.0.0.22\"}").post(vsPath(name) + "/real-servers" + wait),
                json().body("{\"address\": \"127.0.0.22\"}").put(rsPath(name, label) + wait),
                json().body("{\"weight\": 5}").patch(rsPath(name, label) + wait),
                given().delete(rsPath(name, label) + wait),
                json().body("{\"virtualServices\": []}").put("/api/v1/config" + wait),
                json().body("{}").patch(vsPath(name) + "?wait=61s"),
                json().body("{}").patch(vsPath(name) + "?wait=0s"));
        for (var answer : answers) {
            answer.then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", equalTo("wait"));
        }
        assertEquals(before, configVersion());
        given().get(rsPath(name, label)).then().statusCode(200);
    }

    @Test
    void anOverflowingDurationInADocumentIsRefusedAndNamed() {
        json().body("""
                {"virtualServices": [{"name": "d", "address": "127.0.0.9", "ports": [80],
                  "clientIdleTimeout": "999999999999999d"}]}""")
                .put("/api/v1/config?dryRun=true")
                .then().statusCode(400)
                .body("errors[0].field", equalTo("virtualServices[0].clientIdleTimeout"))
                .body("errors[0].message", containsString("from 1ms to 24d"));
    }

    @Test
    void pathNamesThatCannotNameAResourceAreRefusedNotAServerError() {
        String name = createVirtualService();
        given().urlEncodingEnabled(false).get("/api/v1/virtual-services/a%00b").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", startsWith("name: a\\u0000b (expected"));
        given().urlEncodingEnabled(false).get(rsPath(name, "x%00y")).then().statusCode(400)
                .body("errors[0].field", equalTo("label"));
        json().urlEncodingEnabled(false).body("{\"address\": \"127.0.0.1\", \"ports\": [1]}")
                .put("/api/v1/virtual-services/%2E%2E").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
        given().urlEncodingEnabled(false).get("/api/v1/virtual-services/%C3%28").then().statusCode(400)
                .body("errors[0].field", equalTo("name"));
    }

    @Test
    void aBodyOverItsLimitIs413BeforeItIsRead() {
        byte[] document = new byte[8 * 1024 * 1024 + 1];
        Arrays.fill(document, (byte) ' ');
        given().contentType(ContentType.JSON).body(document).put("/api/v1/config?dryRun=true")
                .then().statusCode(413)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"))
                .body("detail", containsString("accepts at most 8388608"));
        byte[] resource = new byte[64 * 1024 + 1];
        Arrays.fill(resource, (byte) ' ');
        given().contentType(ContentType.JSON).body(resource).put(vsPath(uniqueName("big")))
                .then().statusCode(413).body("errors[0].field", equalTo("body"));
    }

    @Test
    void aChunkedBodyOverItsLimitIs413Too() {
        String answer = RawHttp.exchange("PUT " + vsPath(uniqueName("chunked"))
                + " HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked",
                RawHttp.chunked(70 * 1024, (byte) ' '));
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("application/problem+json") && answer.contains("\"field\":\"body\""), answer);
    }

    @Test
    void anOverlongTargetIs414AndOversizedHeadersAre431AsProblems() {
        given().get("/api/v1/virtual-services/" + "a".repeat(9000)).then().statusCode(414)
                .contentType("application/problem+json").body("type", equalTo("urn:fulcrum:problem:uri-too-long"));
        given().header("X-Padding", "p".repeat(20_000)).get("/api/v1/overview").then().statusCode(431)
                .contentType("application/problem+json").body("type", equalTo("urn:fulcrum:problem:headers-too-large"));
    }

    @Test
    void aMethodNotServedIs405WithAllowAndOptionsListsOnlyMethodsThatWork() {
        String name = createVirtualService();
        given().delete("/api/v1/overview").then().statusCode(405)
                .header("Allow", "GET, HEAD, OPTIONS")
                .contentType("application/problem+json");
        for (String path : List.of("/api/v1/virtual-services", vsPath(name), vsPath(name) + "/real-servers",
                "/api/v1/config", "/api/v1/overview", "/api/v1/nodes", "/api/v1/audit")) {
            String allow = given().options(path).then().statusCode(204).extract().header("Allow");
            for (String method : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
                int status = given().contentType(ContentType.JSON).body("{}").request(method, path + "?dryRun=true")
                        .statusCode();
                if (Arrays.asList(allow.split(", ")).contains(method)) {
                    assertTrue(status != 405, method + " " + path + " is advertised (" + allow + ") but answered 405");
                } else {
                    assertEquals(405, status, method + " " + path + " is not advertised (" + allow + ")");
                }
            }
        }
        given().options("/api/v1/no-such-thing").then().statusCode(404);
    }

    @Test
    void trailingBytesAfterTheJsonAreRefused() {
        json().body("{\"address\": \"127.0.0.1\", \"ports\": [1]} {}").put(vsPath(uniqueName("trailing")))
                .then().statusCode(400).body("errors[0].field", equalTo("body"));
        json().body("{\"address\": \"127.0.0.1\", \"ports\": [1]}]").put(vsPath(uniqueName("trailing")))
                .then().statusCode(400).body("type", equalTo("urn:fulcrum:problem:malformed-request"));
    }

    @Test
    void onlyJsonInUtf8IsAccepted() {
        String name = uniqueName("ctype");
        String body = "{\"address\": \"127.0.0.1\", \"ports\": [1]}";
        String missing = RawHttp.exchange("PUT " + vsPath(name) + " HTTP/1.1\r\nContent-Length: " + body.length(),
                body.getBytes(StandardCharsets.UTF_8));
        assertTrue(missing.startsWith("HTTP/1.1 415") && missing.contains("Content-Type: missing"), missing);
        given().contentType("application/json; charset=utf-16").body(body.getBytes(StandardCharsets.UTF_16))
                .put(vsPath(name)).then().statusCode(415).body("errors[0].field", equalTo("Content-Type"));
        given().contentType("application/json; charset=ISO-8859-1").body(body).put(vsPath(name))
                .then().statusCode(415);
        byte[] latin1 = "{\"address\": \"127.0.0.1\", \"ports\": [1], \"name\": \"caf\u00e9\"}"
                .getBytes(StandardCharsets.ISO_8859_1);
        given().contentType(ContentType.JSON).body(latin1).put(vsPath(name))
                .then().statusCode(400).body("errors[0].field", equalTo("body"))
                .body("errors[0].message", containsString("not valid UTF-8"));
        given().get(vsPath(name)).then().statusCode(404);
    }

    @Test
    void anEmptyOrMalformedIfMatchIsRefused() {
        String name = createVirtualService();
        String answer = RawHttp.exchange("PATCH " + vsPath(name) + " HTTP/1.1\r\nContent-Type: application/json"
                + "\r\nIf-Match: \r\nContent-Length: 2", "{}".getBytes(StandardCharsets.UTF_8));
        assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("\"field\":\"If-Match\""), answer);
        json().header("If-Match", "7").body("{}").patch(vsPath(name)).then().statusCode(400)
                .body("errors[0].field", equalTo("If-Match"));
        json().header("If-Match", "\"7\", ").body("{}").delete(vsPath(name)).then().statusCode(400);
        given().get(vsPath(name)).then().statusCode(200);
    }

    @Test
    void deeplyNestedOrOversizedJsonIsRefused() {
        byte[] deep = ("{\"x\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8);
        String answer = RawHttp.exchange("PUT " + vsPath(uniqueName("deep")) + " HTTP/1.1\r\nContent-Type: application/json"
                + "\r\nContent-Length: " + deep.length, deep);
        assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("nesting depth"), answer);
        json().body("{\"address\": \"" + "1".repeat(5000) + "\", \"ports\": [1]}").put(vsPath(uniqueName("long")))
                .then().statusCode(400).body("errors[0].field", equalTo("address"));
        json().body("{\"address\": \"127.0.0.1\", \"ports\": [" + "9".repeat(100) + "]}")
                .put(vsPath(uniqueName("digits"))).then().statusCode(400);
    }
}
