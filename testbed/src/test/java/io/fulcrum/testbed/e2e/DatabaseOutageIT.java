package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.ApiResponse;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL goes away under a running control plane: every API call, the token check first among
 * them, answers 503 with Retry-After as problem+json, not a generic 500.
 */
class DatabaseOutageIT {

    @Test
    void withTheDatabaseGoneTheApiAnswers503WithRetryAfter() {
        String external = System.getenv("FULCRUM_TEST_DB_URL");
        assumeTrue(external == null || external.isBlank(), "stops the database server: needs the embedded one");
        Path work = Path.of("target", "e2e", "db-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        TestDatabase database = TestDatabase.create();
        try (ControlPlaneProcess controlPlane = ControlPlaneProcess.start(
                Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work)) {
            FulcrumApi api = controlPlane.api();
            assertEquals(200, api.get(FulcrumApi.VIRTUAL_SERVICES).status());

            database.close();
            for (ApiResponse answer : new ApiResponse[] {api.get("/api/v1/nodes"), api.get("/api/v1/overview"),
                    api.put(FulcrumApi.virtualService("Outage"), Specs.virtualService("Outage", 9443, "weighted-round-robin"))}) {
                assertEquals(503, answer.status(), answer.method() + " " + answer.path() + ": " + answer.body());
                assertEquals("5", answer.headers().firstValue("Retry-After").orElse(""), answer.toString());
                assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
                assertTrue(answer.body().contains("urn:fulcrum:problem:database-unavailable"), answer.body());
            }
            assertTrue(controlPlane.process().isAlive());
        } finally {
            database.close();
        }
    }
}
