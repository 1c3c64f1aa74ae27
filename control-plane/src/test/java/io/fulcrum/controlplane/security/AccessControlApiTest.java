package io.fulcrum.controlplane.security;

import static io.fulcrum.controlplane.Fixtures.createVirtualService;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fulcrum.controlplane.DatabaseFingerprint;
import io.fulcrum.controlplane.RawHttp;
import io.fulcrum.controlplane.contract.TestCredentials;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Every operation of the OpenAPI document, read from the document itself: without a token, with
 * garbage, a revoked or an expired token it is 401; with a role below its x-fulcrum-role it is 403
 * and nothing changes; with that role it is neither. An operation added without a role fails here.
 */
@QuarkusTest
class AccessControlApiTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Each refused credential comes from a client address of its own, so none is throttled. */
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    @Inject
    DataSource database;

    @Test
    void everyOperationRefusesMissingBadRevokedAndExpiredTokensAndTooWeakRoles() throws Exception {
        Map<Role, String> tokens = Map.of(Role.VIEWER, token(Role.VIEWER), Role.OPERATOR, token(Role.OPERATOR),
                Role.ADMIN, TestCredentials.ADMIN_TOKEN);
        String revoked = token(Role.ADMIN);
        given().delete("/api/v1/tokens/" + nameOf(revoked)).then().statusCode(204);
        String expired = expiredToken();
        List<String> checked = new ArrayList<>();
        JsonNode document = YAML.readTree(Files.readString(Path.of(System.getProperty("fulcrum.openapi.published"))));
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = operations.next();
                if (operation.getKey().equals("parameters")) {
                    continue;
                }
                String method = operation.getKey().toUpperCase();
                String role = operation.getValue().path("x-fulcrum-role").asText();
                assertTrue(!role.isEmpty(), method + " " + path.getKey() + " states no x-fulcrum-role");
                Role needed = Role.valueOf(role.toUpperCase());
                String target = concrete(path.getKey());
                String where = method + " " + target;

                refused(where, method, target, null, "Bearer realm=\"fulcrum\"");
                refused(where, method, target, "fulcrum_" + "x".repeat(43), "invalid_token");
                refused(where, method, target, revoked, "invalid_token");
                refused(where, method, target, expired, "invalid_token");
                for (Role weaker : Role.values()) {
                    if (!weaker.includes(needed)) {
                        String before = DatabaseFingerprint.of(database);
                        String answer = send(method, target, tokens.get(weaker));
                        assertEquals(403, RawHttp.status(answer), where + " as " + weaker + ":\n" + answer);
                        assertTrue(answer.contains("application/problem+json"), answer);
                        assertEquals(before, DatabaseFingerprint.of(database), where + " as " + weaker + " changed something");
                    }
                }
                String answer = send(method, target, tokens.get(needed));
                assertTrue(RawHttp.status(answer) != 401 && RawHttp.status(answer) != 403, where + " as " + needed
                        + ":\n" + answer);
                checked.add(where);
            }
        }
        assertTrue(checked.size() >= 20, checked.toString());
    }

    @Test
    void anOperatorMayDrainHaltReweightButChangeNothingElse() {
        String operator = token(Role.OPERATOR);
        String name = createVirtualService();
        json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(name, "one")).then().statusCode(201);
        for (String patch : List.of("{\"state\": \"drain\"}", "{\"state\": \"halt\"}", "{\"state\": \"online\"}",
                "{\"weight\": 7}", "{\"state\": \"drain\", \"weight\": 0}")) {
            as(operator).contentType("application/merge-patch+json").body(patch).patch(rsPath(name, "one"))
                    .then().statusCode(200);
        }
        as(operator).contentType("application/merge-patch+json").body("{\"state\": \"online\", \"port\": 8443}")
                .patch(rsPath(name, "one")).then().statusCode(403)
                .body("errors[0].field", org.hamcrest.Matchers.equalTo("port"));
        as(operator).contentType("application/json").body("{\"address\": \"127.0.0.21\", \"weight\": 5}")
                .put(rsPath(name, "one")).then().statusCode(403);
        as(operator).contentType("application/json").body("{\"label\": \"two\", \"address\": \"127.0.0.22\"}")
                .post("/api/v1/virtual-services/" + name + "/real-servers").then().statusCode(403);
        as(operator).delete(rsPath(name, "one")).then().statusCode(403);
        as(operator).contentType("application/merge-patch+json").body("{\"algorithm\": \"source-hash\"}")
                .patch("/api/v1/virtual-services/" + name).then().statusCode(403);
        as(operator).get("/api/v1/tokens").then().statusCode(403);
        as(operator).get("/api/v1/overview").then().statusCode(200);
        given().get(rsPath(name, "one")).then().body("state", org.hamcrest.Matchers.equalTo("drain"))
                .body("weight", org.hamcrest.Matchers.equalTo(0)).body("port", org.hamcrest.Matchers.nullValue());
    }

    private void refused(String where, String method, String target, String token, String challenge) {
        String answer = send(method, target, token);
        assertEquals(401, RawHttp.status(answer), where + " with " + token + ":\n" + answer);
        assertTrue(RawHttp.header(answer, "WWW-Authenticate").contains(challenge), answer);
        assertTrue(answer.contains("application/problem+json") && answer.contains("\"field\":\"Authorization\""), answer);
    }

    private static String send(String method, String target, String token) {
        boolean body = List.of("POST", "PUT", "PATCH").contains(method);
        String head = method + " " + target + " HTTP/1.1"
                + (body ? "\r\nContent-Type: " + (method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
                        + "\r\nContent-Length: 2" : "")
                + (token == null ? RawHttp.UNSIGNED : "\r\nAuthorization: Bearer " + token);
        String client = "127.0.10." + (CLIENTS.incrementAndGet() % 250 + 1);
        return RawHttp.exchangeFrom(client, head, body ? "{}".getBytes(StandardCharsets.UTF_8) : new byte[0]);
    }

    /** The document's path with its parameters naming things that exist (tokens: a fresh one to revoke). */
    private String concrete(String template) {
        if (template.startsWith("/api/v1/tokens/")) {
            return "/api/v1/tokens/" + nameOf(token(Role.VIEWER));
        }
        if (template.startsWith("/api/v1/nodes/")) {
            return "/api/v1/nodes/" + uniqueName("never-connected");
        }
        if (!template.contains("{name}")) {
            return template;
        }
        String name = createVirtualService();
        json().body("{\"address\": \"127.0.0.21\"}").put(rsPath(name, "rs")).then().statusCode(201);
        return template.replace("{name}", name).replace("{label}", "rs");
    }

    private static final Map<String, String> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

    static String token(Role role) {
        String name = uniqueName("token");
        String secret = json().body("{\"name\": \"" + name + "\", \"role\": \"" + role.json() + "\"}")
                .post("/api/v1/tokens").then().statusCode(201).extract().path("token");
        NAMES.put(secret, name);
        return secret;
    }

    private static String nameOf(String secret) {
        return NAMES.get(secret);
    }

    private String expiredToken() throws Exception {
        String secret = TokenSecrets.generate();
        try (Connection connection = database.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO api_token (name, role, secret_sha256, expires_at) VALUES (?, 'admin', ?, now() - interval '1 hour')")) {
            insert.setString(1, uniqueName("expired"));
            insert.setString(2, TokenSecrets.hash(secret));
            insert.executeUpdate();
        }
        return secret;
    }

    private static io.restassured.specification.RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token);
    }
}
