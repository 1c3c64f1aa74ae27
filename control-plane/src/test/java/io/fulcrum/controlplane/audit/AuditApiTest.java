package io.fulcrum.controlplane.audit;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class AuditApiTest {

    @Test
    void everyCommittedChangeIsAuditedNewestFirst() {
        String name = uniqueName("audited");
        long start = configVersion();
        json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).then().statusCode(201);
        json().contentType("application/merge-patch+json").body("{\"ports\": [81]}").patch(vsPath(name))
                .then().statusCode(200);
        given().delete(vsPath(name)).then().statusCode(204);

        given().get("/api/v1/audit?limit=3").then().statusCode(200)
                .body("$", hasSize(3))
                .body("action", contains("delete", "patch", "create"))
                .body("resource", contains(vsPath(name), vsPath(name), vsPath(name)))
                .body("principal", contains("bootstrap", "bootstrap", "bootstrap"))
                .body("configVersion", contains((int) start + 3, (int) start + 2, (int) start + 1))
                .body("[2].before", nullValue())
                .body("[2].after.ports", contains(80))
                .body("[2].after.version", equalTo((int) start + 1))
                .body("[1].before.ports", contains(80))
                .body("[1].after.ports", contains(81))
                .body("[0].before.ports", contains(81))
                .body("[0].after", nullValue())
                .body("[0].at", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void refusedAndNoOpWritesAreNotAudited() {
        String name = uniqueName("quiet");
        json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).then().statusCode(201);
        long version = configVersion();
        json().body("{\"address\": \"x\", \"ports\": [80]}").put(vsPath(name)).then().statusCode(400);
        json().contentType("application/merge-patch+json").body("{}").patch(vsPath(name)).then().statusCode(200);
        given().get("/api/v1/audit?limit=1").then().body("[0].configVersion", equalTo((int) version))
                .body("[0].action", equalTo("create"));
    }

    @Test
    void limitOutsideItsRangeIs400() {
        given().get("/api/v1/audit?limit=0").then().statusCode(400).contentType("application/problem+json");
        given().get("/api/v1/audit?limit=1001").then().statusCode(400);
        given().get("/api/v1/audit?limit=ten").then().statusCode(400);
    }
}
