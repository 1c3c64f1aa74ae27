package io.fulcrum.controlplane.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The published openapi/openapi.yaml is the contract automation relies on, so the document the
 * service serves must equal it byte for byte. After an intended API change, regenerate the file
 * with {@code ./mvnw -B -pl control-plane verify -Dtest=OpenApiContractTest -Dfulcrum.openapi.update=true}
 * (the test then rewrites the file instead of failing) and review the diff.
 */
@QuarkusTest
class OpenApiContractTest {

    @Test
    void servedDocumentEqualsThePublishedContract() throws Exception {
        String served = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract().asString();
        Path published = Path.of(System.getProperty("fulcrum.openapi.published"));
        if (Boolean.getBoolean("fulcrum.openapi.update")) {
            Files.createDirectories(published.getParent());
            Files.writeString(published, served);
            return;
        }
        assertTrue(Files.exists(published), published + " is missing; run with -Dfulcrum.openapi.update=true");
        assertEquals(Files.readString(published), served,
                "the served OpenAPI document differs from " + published + "; see this test's comment");
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
