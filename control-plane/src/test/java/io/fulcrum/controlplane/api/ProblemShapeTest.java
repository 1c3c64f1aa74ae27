package io.fulcrum.controlplane.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.fulcrum.controlplane.contract.TestCredentials;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** Errors that never reach a resource method still answer in the one problem+json shape. */
@QuarkusTest
class ProblemShapeTest {

    @Test
    void unknownPathIsAProblem() {
        given().get("/api/v1/no-such-thing").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fulcrum:problem:not-found"))
                .body("status", equalTo(404))
                .body("title", notNullValue());
    }

    @Test
    void unsupportedMethodIsAProblem() {
        given().contentType("application/json").body("{}").post("/api/v1/overview").then().statusCode(405)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fulcrum:problem:method-not-allowed"));
    }

    // The management interface's root is /q, so these are /q/health/ready and /q/metrics.
    @TestHTTPResource(value = "/health/ready", management = true)
    URL health;
    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void healthAndMetricsAreServedOnTheManagementPortWithoutAToken() {
        given().header(TestCredentials.ANONYMOUS, "").get(health).then().statusCode(200).body("status", equalTo("UP"));
        given().header(TestCredentials.ANONYMOUS, "").get(metrics).then().statusCode(200)
                .body(containsString("fulcrum_config_version_published"))
                .body(containsString("fulcrum_nodes_connected"));
    }

    @Test
    void theApiPortServesNeitherHealthNorMetrics() {
        given().get("/q/health/ready").then().statusCode(404);
        given().get("/q/metrics").then().statusCode(404);
    }
}
