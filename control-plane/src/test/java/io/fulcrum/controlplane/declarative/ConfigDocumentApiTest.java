package io.fulcrum.controlplane.declarative;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * The declarative document replaces the whole configuration, so these tests own the database while
 * they run: each starts from a document of its own.
 */
@QuarkusTest
class ConfigDocumentApiTest {

    private static String document(String a, String b, String address) {
        return """
                {"virtualServices": [
                  {"name": "%s", "address": "%s", "ports": [8443], "persistence": {"mode": "source-ip"},
                   "realServers": [{"label": "RAS_Server1", "address": "127.0.0.21"},
                                   {"label": "RAS_Server2", "address": "127.0.0.22"}]},
                  {"name": "%s", "address": "%s", "ports": [8880],
                   "realServers": [{"label": "RAS_Server1", "address": "127.0.0.21", "weight": 50}]}
                ]}""".formatted(a, address, b, address);
    }

    @Test
    void applyingADocumentCreatesEverythingInOneVersionAndAgainIsANoOp() {
        String a = uniqueName("doc-a");
        String b = uniqueName("doc-b");
        String doc = document(a, b, uniqueAddress());
        long before = configVersion();
        json().body(doc).put("/api/v1/config").then().statusCode(200)
                .header("Fulcrum-Config-Version", String.valueOf(before + 1))
                .body("changed", equalTo(true))
                .body("create", hasItems(vsPath(a), vsPath(b), vsPath(a) + "/real-servers/RAS_Server2"));
        given().get(vsPath(b) + "/real-servers/RAS_Server1").then().statusCode(200).body("weight", equalTo(50))
                .body("version", equalTo((int) before + 1));

        json().body(doc).put("/api/v1/config").then().statusCode(200)
                .body("changed", equalTo(false))
                .body("create", empty()).body("replace", empty()).body("delete", empty());
        assertEquals(before + 1, configVersion());
    }

    @Test
    void exportedDocumentAppliesAsANoOp() {
        json().body(document(uniqueName("exp-a"), uniqueName("exp-b"), uniqueAddress())).put("/api/v1/config")
                .then().statusCode(200);
        Response exported = given().get("/api/v1/config");
        exported.then().statusCode(200).header("ETag", "\"" + configVersion() + "\"");
        json().body(exported.asString()).put("/api/v1/config").then().statusCode(200).body("changed", equalTo(false));
    }

    @Test
    void dryRunReportsThePlanAndChangesNothing() {
        String a = uniqueName("plan-a");
        String b = uniqueName("plan-b");
        String address = uniqueAddress();
        json().body(document(a, b, address)).put("/api/v1/config").then().statusCode(200);
        long before = configVersion();
        String changed = """
                {"virtualServices": [
                  {"name": "%s", "address": "%s", "ports": [8443], "persistence": {"mode": "source-ip"},
                   "realServers": [{"label": "RAS_Server1", "address": "127.0.0.21", "state": "drain"},
                                   {"label": "RAS_Server3", "address": "127.0.0.23"}]}
                ]}""".formatted(a, address);
        json().body(changed).put("/api/v1/config?dryRun=true").then().statusCode(200)
                .body("dryRun", equalTo(true))
                .body("changed", equalTo(false))
                .body("configVersion", equalTo((int) before))
                .body("create", contains(vsPath(a) + "/real-servers/RAS_Server3"))
                .body("replace", contains(vsPath(a) + "/real-servers/RAS_Server1"))
                .body("delete", containsInAnyOrder(vsPath(b), vsPath(a) + "/real-servers/RAS_Server2"));
        assertEquals(before, configVersion());
        given().get(vsPath(b)).then().statusCode(200);

        json().body(changed).put("/api/v1/config").then().statusCode(200).body("changed", equalTo(true));
        assertEquals(before + 1, configVersion());
        given().get(vsPath(b)).then().statusCode(404);
        given().get(vsPath(a) + "/real-servers/RAS_Server1").then().body("state", equalTo("drain"));
        given().get("/api/v1/audit?limit=4").then()
                .body("configVersion", contains((int) before + 1, (int) before + 1, (int) before + 1, (int) before + 1));
    }

    @Test
    void sameRealServerBehindLayerSevenAndLayerFourIsAppliedWithWarnings() {
        String https = uniqueName("ras-https");
        String udp = uniqueName("ras-udp");
        String address = uniqueAddress();
        String doc = """
                {"virtualServices": [
                  {"name": "%s", "address": "%s", "ports": [8443],
                   "realServers": [{"label": "RAS_Server1", "address": "127.0.0.21"}]},
                  {"name": "%s", "address": "%s", "ports": [8443], "protocol": "udp", "layer": 4,
                   "persistence": {"mode": "source-ip", "timeout": "6h"}, "healthCheck": {"type": "ping"},
                   "realServers": [{"label": "RAS_Server1", "address": "127.0.0.21"},
                                   {"label": "RAS_Server2", "address": "127.0.0.22"}]}
                ]}""".formatted(https, address, udp, address);
        json().body(doc).put("/api/v1/config?dryRun=true").then().statusCode(200)
                .body("warnings.field", contains("virtualServices[1].realServers[0].address"))
                .body("warnings[0].message", org.hamcrest.Matchers.startsWith(
                        "real server 127.0.0.21:8443 also serves layer-7 virtual service " + https + ";"));
        json().body(doc).put("/api/v1/config").then().statusCode(200)
                .body("changed", equalTo(true))
                .body("warnings", org.hamcrest.Matchers.hasSize(1));
        given().get(vsPath(udp)).then().statusCode(200)
                .body("persistence.timeout", equalTo("6h"))
                .body("maxFlows", equalTo(10000));
        json().body(document(uniqueName("plain-a"), uniqueName("plain-b"), uniqueAddress()))
                .put("/api/v1/config").then().statusCode(200)
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("warnings")));
    }

    @Test
    void listenersAndEndpointsMayMoveWithinOneDocument() {
        String a = uniqueName("swap-a");
        String b = uniqueName("swap-b");
        String address = uniqueAddress();
        json().body(document(a, b, address)).put("/api/v1/config").then().statusCode(200);
        String swapped = """
                {"virtualServices": [
                  {"name": "%s", "address": "%s", "ports": [8880],
                   "realServers": [{"label": "RAS_Server1", "address": "127.0.0.22"},
                                   {"label": "RAS_Server2", "address": "127.0.0.21"}]},
                  {"name": "%s", "address": "%s", "ports": [8443]}
                ]}""".formatted(a, address, b, address);
        json().body(swapped).put("/api/v1/config").then().statusCode(200).body("changed", equalTo(true));
        given().get(vsPath(a)).then().body("ports", contains(8880));
        given().get(vsPath(a) + "/real-servers/RAS_Server1").then().body("address", equalTo("127.0.0.22"));
    }

    @Test
    void invalidDocumentNamesNestedFieldsAndChangesNothing() {
        String address = uniqueAddress();
        long before = configVersion();
        json().body("""
                {"virtualServices": [
                  {"name": "ok", "address": "%s", "ports": [80],
                   "realServers": [{"label": "a", "address": "127.0.0.21", "weight": -1}]},
                  {"name": "ok", "address": "%s", "ports": [80]}
                ]}""".formatted(address, address))
                .put("/api/v1/config").then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("virtualServices[0].realServers[0].weight"))
                .body("errors[0].message", equalTo("virtualServices[0].realServers[0].weight: -1 (expected 0..65535)"));
        json().body("""
                {"virtualServices": [
                  {"name": "same", "address": "%s", "ports": [80]},
                  {"name": "same", "address": "%s", "ports": [80]}
                ]}""".formatted(address, address))
                .put("/api/v1/config").then().statusCode(400)
                .body("errors.field", hasItems("virtualServices[1].name", "virtualServices[1].ports"));
        json().body("{\"services\": []}").put("/api/v1/config").then().statusCode(400)
                .body("errors.field", hasItems("services", "virtualServices"));
        assertEquals(before, configVersion());
    }

    @Test
    void staleIfMatchIsRefused() {
        json().body(virtualService(uniqueName("x"), uniqueAddress(), 80)).post("/api/v1/virtual-services")
                .then().statusCode(201);
        json().header("If-Match", "\"1\"").body("{\"virtualServices\": []}").put("/api/v1/config")
                .then().statusCode(412);
    }
}
