package io.fulcrum.controlplane.virtualservice;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

@QuarkusTest
class VirtualServiceApiTest {

    @Test
    void createdServiceShowsEveryDefault() {
        String name = uniqueName("defaults");
        String address = uniqueAddress();
        json().body(virtualService(name, address, 8443)).post("/api/v1/virtual-services")
                .then().statusCode(201)
                .header("Location", containsString(vsPath(name)))
                .header("ETag", notNullValue())
                .body("name", equalTo(name))
                .body("address", equalTo(address))
                .body("ports", contains(8443))
                .body("protocol", equalTo("tcp"))
                .body("layer", equalTo(7))
                .body("algorithm", equalTo("weighted-least-connections"))
                .body("persistence.mode", equalTo("none"))
                .body("healthCheck.type", equalTo("connect"))
                .body("healthCheck.interval", equalTo("2s"))
                .body("healthCheck.timeout", equalTo("2s"))
                .body("healthCheck.rise", equalTo(2))
                .body("healthCheck.fall", equalTo(3))
                .body("healthCheck.port", nullValue())
                .body("fallback", nullValue())
                .body("proxyProtocol", equalTo(false))
                .body("clientIdleTimeout", equalTo("12h"))
                .body("serverIdleTimeout", equalTo("12h"))
                .body("connectTimeout", equalTo("5s"))
                .body("version", notNullValue());
    }

    @Test
    void sourceIpPersistenceDefaultsToSixMinutesAndDurationsAreCanonical() {
        String name = uniqueName("persist");
        json().body("""
                {"address": "%s", "ports": [443], "persistence": {"mode": "source-ip"},
                 "healthCheck": {"type": "http", "interval": "60s", "timeout": "500ms"},
                 "clientIdleTimeout": "120m", "connectTimeout": "120s"}""".formatted(uniqueAddress()))
                .put(vsPath(name))
                .then().statusCode(201)
                .body("persistence.timeout", equalTo("6m"))
                .body("healthCheck.interval", equalTo("1m"))
                .body("healthCheck.timeout", equalTo("500ms"))
                .body("healthCheck.path", equalTo("/"))
                .body("healthCheck.expectStatus", equalTo("200-399"))
                .body("clientIdleTimeout", equalTo("2h"))
                .body("connectTimeout", equalTo("2m"));
    }

    @Test
    void putCreatesWith201ThenReplacesWith200() {
        String name = uniqueName("put");
        String address = uniqueAddress();
        json().body(virtualService(name, address, 80)).put(vsPath(name)).then().statusCode(201);
        json().body(virtualService(name, address, 81)).put(vsPath(name)).then().statusCode(200)
                .body("ports", contains(81));
        given().get(vsPath(name)).then().statusCode(200).body("ports", contains(81));
    }

    @Test
    void identicalPutIsANoOp() {
        String name = uniqueName("noop");
        String body = virtualService(name, uniqueAddress(), 80);
        Response first = json().body(body).put(vsPath(name));
        first.then().statusCode(201);
        long before = configVersion();
        int auditBefore = given().get("/api/v1/audit?limit=1000").jsonPath().getList("$").size();

        Response second = json().body(body).put(vsPath(name));
        second.then().statusCode(200);

        assertEquals(first.header("ETag"), second.header("ETag"));
        assertEquals(String.valueOf(before), second.header("Fulcrum-Config-Version"));
        assertEquals(before, configVersion());
        assertEquals(auditBefore, given().get("/api/v1/audit?limit=1000").jsonPath().getList("$").size());
    }

    @Test
    void putWithDefaultsSpelledOutIsAlsoANoOp() {
        String name = uniqueName("noop-explicit");
        String address = uniqueAddress();
        json().body(virtualService(name, address, 80)).put(vsPath(name)).then().statusCode(201);
        long before = configVersion();
        json().body("""
                {"name": "%s", "address": "%s", "ports": [80], "protocol": "tcp", "layer": 7,
                 "healthCheck": {"interval": "2000ms"}, "clientIdleTimeout": "720m"}""".formatted(name, address))
                .put(vsPath(name)).then().statusCode(200);
        assertEquals(before, configVersion());
    }

    @Test
    void everyChangeBumpsTheVersionByOne() {
        String name = uniqueName("bump");
        String address = uniqueAddress();
        long start = configVersion();
        Response created = json().body(virtualService(name, address, 80)).put(vsPath(name));
        assertEquals(String.valueOf(start + 1), created.header("Fulcrum-Config-Version"));
        assertEquals("\"" + (start + 1) + "\"", created.header("ETag"));
        Response patched = json().contentType("application/merge-patch+json").body("{\"proxyProtocol\": true}")
                .patch(vsPath(name));
        assertEquals(String.valueOf(start + 2), patched.header("Fulcrum-Config-Version"));
        patched.then().body("version", equalTo((int) (start + 2)));
        Response deleted = given().delete(vsPath(name));
        deleted.then().statusCode(204);
        assertEquals(String.valueOf(start + 3), deleted.header("Fulcrum-Config-Version"));
        assertEquals(start + 3, configVersion());
    }

    @Test
    void postOnAnExistingNameIsAConflict() {
        String name = uniqueName("dup");
        json().body(virtualService(name, uniqueAddress(), 80)).post("/api/v1/virtual-services").then().statusCode(201);
        json().body(virtualService(name, uniqueAddress(), 80)).post("/api/v1/virtual-services")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fulcrum:problem:conflict"));
    }

    @Test
    void sameListenerOnTwoServicesIsAConflictNamingTheOther() {
        String address = uniqueAddress();
        String first = uniqueName("first");
        json().body(virtualService(first, address, 443)).put(vsPath(first)).then().statusCode(201);
        String second = uniqueName("second");
        long before = configVersion();
        json().body(virtualService(second, address, 443)).put(vsPath(second))
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", containsString(first));
        given().get(vsPath(second)).then().statusCode(404);
        assertEquals(before, configVersion());
        // The same address and port with another protocol is a different listener.
        json().body("""
                {"address": "%s", "ports": [443], "protocol": "udp", "layer": 4}""".formatted(address))
                .put(vsPath(second)).then().statusCode(201);
    }

    @Test
    void staleIfMatchIsRefusedForPutPatchAndDelete() {
        String name = uniqueName("ifmatch");
        String address = uniqueAddress();
        String etag = json().body(virtualService(name, address, 80)).put(vsPath(name)).header("ETag");
        String stale = "\"1\"";
        long before = configVersion();

        json().header("If-Match", stale).body(virtualService(name, address, 81)).put(vsPath(name))
                .then().statusCode(412).contentType("application/problem+json");
        json().header("If-Match", stale).contentType("application/merge-patch+json").body("{\"ports\": [82]}")
                .patch(vsPath(name)).then().statusCode(412);
        given().header("If-Match", stale).delete(vsPath(name)).then().statusCode(412);
        assertEquals(before, configVersion());
        given().get(vsPath(name)).then().statusCode(200).body("ports", contains(80));

        json().header("If-Match", etag).contentType("application/merge-patch+json").body("{\"ports\": [82]}")
                .patch(vsPath(name)).then().statusCode(200).body("ports", contains(82));
        given().header("If-Match", "*").delete(vsPath(name)).then().statusCode(204);
    }

    @Test
    void ifMatchOnAMissingResourceFails() {
        String name = uniqueName("missing");
        json().header("If-Match", "*").body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name))
                .then().statusCode(412);
        given().get(vsPath(name)).then().statusCode(404).contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("instance", equalTo(vsPath(name)));
    }

    @Test
    void mergePatchNullRestoresTheDefault() {
        String name = uniqueName("patch");
        json().body("""
                {"address": "%s", "ports": [80], "algorithm": "source-hash",
                 "persistence": {"mode": "source-ip", "timeout": "6h"},
                 "fallback": {"address": "127.0.0.1", "port": 8099}}""".formatted(uniqueAddress()))
                .put(vsPath(name)).then().statusCode(201);
        json().contentType("application/merge-patch+json")
                .body("{\"algorithm\": null, \"fallback\": null, \"persistence\": {\"timeout\": null}}")
                .patch(vsPath(name))
                .then().statusCode(200)
                .body("algorithm", equalTo("weighted-least-connections"))
                .body("fallback", nullValue())
                .body("persistence.mode", equalTo("source-ip"))
                .body("persistence.timeout", equalTo("6m"));
    }

    @Test
    void patchThatChangesNothingIsANoOp() {
        String name = uniqueName("patch-noop");
        json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).then().statusCode(201);
        long before = configVersion();
        given().contentType("application/json").body("{\"protocol\": \"tcp\"}").patch(vsPath(name))
                .then().statusCode(200).header("Fulcrum-Config-Version", String.valueOf(before));
        assertEquals(before, configVersion());
    }

    @Test
    void renamingIsRefused() {
        String name = uniqueName("rename");
        String address = uniqueAddress();
        json().body(virtualService(name, address, 80)).put(vsPath(name)).then().statusCode(201);
        json().contentType("application/merge-patch+json").body("{\"name\": \"other\"}").patch(vsPath(name))
                .then().statusCode(400).body("errors.field", hasItem("name"));
        json().body(virtualService("other-name", address, 80)).put(vsPath(name))
                .then().statusCode(400).body("errors.field", hasItem("name"));
    }

    @Test
    void deleteOfAMissingServiceIs404() {
        given().delete(vsPath(uniqueName("gone"))).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void listIsOrderedByNameAndCarriesTheConfigVersion() {
        String name = uniqueName("list");
        json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).then().statusCode(201);
        given().get("/api/v1/virtual-services").then().statusCode(200)
                .header("Fulcrum-Config-Version", notNullValue())
                .body("name", hasItem(name));
    }

    @Test
    void ipv6AddressesAreStoredCanonically() {
        String name = uniqueName("v6");
        json().body("""
                {"address": "0:0:0:0:0:0:0:1", "ports": [%d]}""".formatted(20000 + name.hashCode() % 1000 + 1000))
                .put(vsPath(name)).then().statusCode(201).body("address", equalTo("::1"));
    }
}
