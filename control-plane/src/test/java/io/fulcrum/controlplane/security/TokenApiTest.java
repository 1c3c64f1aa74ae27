package io.fulcrum.controlplane.security;

import static io.fulcrum.controlplane.Fixtures.createVirtualService;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** API tokens: the secret once, its hash only, revocation at once, names in the audit, throttled guessing. */
@QuarkusTest
class TokenApiTest {

    @Test
    void aTokenIsShownOnceWorksAtOnceAndFailsAtOnceWhenRevoked() {
        List<String> logged = captureLogs();
        String name = uniqueName("ci");
        String secret = json().body("{\"name\": \"" + name + "\", \"role\": \"admin\", \"expiresIn\": \"30d\"}")
                .post("/api/v1/tokens").then().statusCode(201)
                .header("Cache-Control", "no-store")
                .body("token", matchesPattern("fulcrum_[A-Za-z0-9_-]{43}"))
                .body("expiresAt", notNullValue())
                .extract().path("token");
        given().get("/api/v1/tokens").then().statusCode(200)
                .body("find { it.name == '" + name + "' }.role", equalTo("admin"))
                .body("find { it.name == '" + name + "' }.token", nullValue())
                .body("token", not(hasItem(secret)));

        String service = uniqueName("made-by");
        given().header("Authorization", "Bearer " + secret).contentType("application/json")
                .body("{\"address\": \"127.0.0.31\", \"ports\": [80]}").put(vsPath(service)).then().statusCode(201);
        given().get("/api/v1/audit?limit=5").then()
                .body("find { it.resource == '" + vsPath(service) + "' }.principal", equalTo(name));

        given().delete("/api/v1/tokens/" + name).then().statusCode(204);
        given().header("Authorization", "Bearer " + secret).get("/api/v1/overview").then().statusCode(401);
        given().delete("/api/v1/tokens/" + name).then().statusCode(204);
        given().get("/api/v1/tokens").then().body("find { it.name == '" + name + "' }.revokedAt", notNullValue());
        json().body("{\"name\": \"" + name + "\", \"role\": \"viewer\"}").post("/api/v1/tokens").then().statusCode(409);

        String audit = given().get("/api/v1/audit?limit=1000").then().extract().asString();
        assertTrue(audit.contains("/api/v1/tokens/" + name), "token changes are audited");
        assertFalse(audit.contains(secret), "the audit holds no secret");
        assertFalse(given().get("/api/v1/config").then().extract().asString().contains(secret));
        assertFalse(logged.stream().anyMatch(line -> line.contains(secret)), "a log line holds the secret");
    }

    @Test
    void aTokenNeedsANameARoleAndABoundedLifetime() {
        json().body("{\"name\": \"x y\", \"role\": \"root\", \"expiresIn\": \"3651d\", \"secret\": \"mine\"}")
                .post("/api/v1/tokens").then().statusCode(400)
                .body("errors.field", org.hamcrest.Matchers.hasItems("name", "role", "expiresIn", "secret"));
        json().body("{\"name\": \"" + uniqueName("t") + "\"}").post("/api/v1/tokens").then().statusCode(400)
                .body("errors[0].field", equalTo("role"));
    }

    @Test
    void repeatedFailedAuthenticationFromOneAddressIsThrottledWithoutAffectingOthers() {
        String name = createVirtualService();
        String guess = "GET " + vsPath(name) + " HTTP/1.1\r\nAuthorization: Bearer fulcrum_" + "g".repeat(43);
        for (int i = 0; i < 10; i++) {
            assertEquals(401, RawHttp.status(RawHttp.exchangeFrom("127.0.11.1", guess, new byte[0])));
        }
        String throttled = RawHttp.exchangeFrom("127.0.11.1", guess, new byte[0]);
        assertEquals(429, RawHttp.status(throttled), throttled);
        assertTrue(Integer.parseInt(RawHttp.header(throttled, "Retry-After")) >= 1, throttled);
        // Even the right token waits while its address is throttled; another address is served.
        assertEquals(429, RawHttp.status(RawHttp.exchangeFrom("127.0.11.1", "GET " + vsPath(name) + " HTTP/1.1",
                new byte[0])));
        assertEquals(200, RawHttp.status(RawHttp.exchangeFrom("127.0.11.2", "GET " + vsPath(name) + " HTTP/1.1",
                new byte[0])));
    }

    private static List<String> captureLogs() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger.getLogger("").addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(String.valueOf(record.getMessage()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return lines;
    }
}
