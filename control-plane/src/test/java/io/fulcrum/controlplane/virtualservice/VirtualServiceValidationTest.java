package io.fulcrum.controlplane.virtualservice;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@QuarkusTest
class VirtualServiceValidationTest {

    /** Each case: extra JSON members merged into a valid body, the field blamed, a part of its message. */
    static Stream<Arguments> violations() {
        return Stream.of(
                Arguments.of("\"name\": \"bad name!\"", "name", "(expected 1..64 of [A-Za-z0-9_.-], not . or ..)"),
                Arguments.of("\"name\": \"" + "x".repeat(65) + "\"", "name", "(expected 1..64 of [A-Za-z0-9_.-], not . or ..)"),
                Arguments.of("\"address\": \"localhost\"", "address", "IPv4 or IPv6 literal"),
                Arguments.of("\"address\": \"127.0.0.256\"", "address", "literal"),
                Arguments.of("\"address\": \"127.0.0.01\"", "address", "literal"),
                Arguments.of("\"address\": \"fe80::1%eth0\"", "address", "literal"),
                Arguments.of("\"address\": \"::g\"", "address", "literal"),
                Arguments.of("\"ports\": []", "ports", "1..64"),
                Arguments.of("\"ports\": [0]", "ports[0]", "1..65535"),
                Arguments.of("\"ports\": [65536]", "ports[0]", "1..65535"),
                Arguments.of("\"ports\": [80, 80]", "ports[1]", "no duplicate"),
                Arguments.of("\"ports\": [" + "1,".repeat(64) + "65]", "ports", "1..64"),
                Arguments.of("\"ports\": \"80\"", "ports", "list"),
                Arguments.of("\"protocol\": \"sctp\"", "protocol", "tcp | udp"),
                Arguments.of("\"protocol\": \"TCP\"", "protocol", "tcp | udp"),
                Arguments.of("\"layer\": 3", "layer", "7 | 4"),
                Arguments.of("\"protocol\": \"udp\", \"layer\": 7", "layer", "layer 7 needs tcp"),
                Arguments.of("\"algorithm\": \"random\"", "algorithm", "weighted-least-connections"),
                Arguments.of("\"persistence\": {\"mode\": \"cookie\"}", "persistence.mode", "none | source-ip"),
                Arguments.of("\"persistence\": {\"mode\": \"source-ip\", \"timeout\": \"0s\"}", "persistence.timeout", "ms|s|m|h|d"),
                Arguments.of("\"persistence\": {\"timeout\": \"6 minutes\"}", "persistence.timeout", "ms|s|m|h|d"),
                Arguments.of("\"persistence\": 5", "persistence", "an object"),
                Arguments.of("\"healthCheck\": {\"type\": \"tcp\"}", "healthCheck.type", "connect | ping | http | udp | none"),
                Arguments.of("\"healthCheck\": {\"interval\": \"50ms\"}", "healthCheck.interval", "healthCheck.interval: 50ms (expected <int>(ms|s|m|h|d) from 100ms to 1h)"),
                Arguments.of("\"healthCheck\": {\"timeout\": \"0ms\"}", "healthCheck.timeout", "healthCheck.timeout: 0ms (expected <int>(ms|s|m|h|d) from 1ms to 1h)"),
                Arguments.of("\"healthCheck\": {\"interval\": \"1s\", \"timeout\": \"2s\"}", "healthCheck.timeout", "<= interval"),
                Arguments.of("\"healthCheck\": {\"rise\": 0}", "healthCheck.rise", "1..100"),
                Arguments.of("\"healthCheck\": {\"fall\": 101}", "healthCheck.fall", "1..100"),
                Arguments.of("\"healthCheck\": {\"port\": 70000}", "healthCheck.port", "1..65535"),
                Arguments.of("\"healthCheck\": {\"type\": \"http\", \"path\": \"no-slash\"}", "healthCheck.path", "absolute path"),
                Arguments.of("\"healthCheck\": {\"type\": \"http\", \"expectStatus\": \"399-200\"}", "healthCheck.expectStatus", "100..599"),
                Arguments.of("\"healthCheck\": {\"colour\": 1}", "healthCheck.colour", "unknown field"),
                Arguments.of("\"fallback\": {\"address\": \"127.0.0.1\"}", "fallback.port", "1..65535"),
                Arguments.of("\"fallback\": {\"address\": \"example.com\", \"port\": 80}", "fallback.address", "literal"),
                Arguments.of("\"proxyProtocol\": \"yes\"", "proxyProtocol", "true | false"),
                Arguments.of("\"clientIdleTimeout\": \"-1s\"", "clientIdleTimeout", "ms|s|m|h|d"),
                Arguments.of("\"serverIdleTimeout\": 30", "serverIdleTimeout", "ms|s|m|h|d"),
                Arguments.of("\"connectTimeout\": \"5 s\"", "connectTimeout", "ms|s|m|h|d"),
                Arguments.of("\"protocol\": \"udp\", \"layer\": 4, \"proxyProtocol\": true", "proxyProtocol", "needs layer 7"),
                Arguments.of("\"layer\": 4, \"proxyProtocol\": true", "proxyProtocol", "needs layer 7"),
                Arguments.of("\"flowIdleTimeout\": \"0s\"", "flowIdleTimeout", "ms|s|m|h|d"),
                Arguments.of("\"flowIdleTimeout\": \"5 minutes\"", "flowIdleTimeout", "ms|s|m|h|d"),
                Arguments.of("\"maxFlows\": 0", "maxFlows", "1..1000000"),
                Arguments.of("\"maxFlows\": 1000001", "maxFlows", "1..1000000"),
                Arguments.of("\"maxFlows\": \"many\"", "maxFlows", "1..1000000"),
                Arguments.of("\"colour\": \"blue\"", "colour", "unknown field"),
                Arguments.of("\"name\": \".\"", "name", "not . or .."),
                Arguments.of("\"name\": \"..\"", "name", "not . or .."),
                Arguments.of("\"name\": \"a\\u0000b\"", "name", "name: a\\u0000b (expected"),
                Arguments.of("\"clientIdleTimeout\": \"999999999999999d\"", "clientIdleTimeout", "from 1ms to 24d"),
                Arguments.of("\"clientIdleTimeout\": \"106752d\"", "clientIdleTimeout", "from 1ms to 24d"),
                Arguments.of("\"serverIdleTimeout\": \"25d\"", "serverIdleTimeout", "from 1ms to 24d"),
                Arguments.of("\"flowIdleTimeout\": \"577h\"", "flowIdleTimeout", "from 1ms to 24d"),
                Arguments.of("\"connectTimeout\": \"301s\"", "connectTimeout", "from 1ms to 5m"),
                Arguments.of("\"persistence\": {\"mode\": \"source-ip\", \"timeout\": \"9999999999d\"}",
                        "persistence.timeout", "from 1ms to 24d"),
                Arguments.of("\"healthCheck\": {\"interval\": \"61m\"}", "healthCheck.interval", "from 100ms to 1h"),
                Arguments.of("\"healthCheck\": {\"type\": \"http\", \"path\": \"/a\\r\\nHost: x\"}", "healthCheck.path",
                        "absolute path"),
                Arguments.of("\"healthCheck\": {\"type\": \"http\", \"path\": \"/a b\"}", "healthCheck.path", "without spaces"),
                Arguments.of("\"version\": \"7\"", "version", "read-only, ignored"),
                Arguments.of("\"maxFlows\": 1e3", "maxFlows", "1..1000000"),
                Arguments.of("\"maxFlows\": 10000.5", "maxFlows", "1..1000000"),
                Arguments.of("\"ports\": [80.0]", "ports[0]", "1..65535"),
                Arguments.of("\"ports\": [4294967377]", "ports[0]", "1..65535"));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("violations")
    void invalidFieldIsRefusedAndNamed(String members, String field, String expected) {
        String name = uniqueName("invalid");
        String body = withMembers("{\"address\": \"" + uniqueAddress() + "\", \"ports\": [443]}", members);
        long before = configVersion();
        json().body(body).put(vsPath(name))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fulcrum:problem:validation"))
                .body("status", equalTo(400))
                .body("instance", equalTo(vsPath(name)))
                .body("errors.field", hasItem(field))
                .body("errors.find { it.field == '" + field + "' }.message", containsString(expected));
        given().get(vsPath(name)).then().statusCode(404);
        assertEquals(before, configVersion());
    }

    /** The valid base body with {@code members} added or overriding its own. */
    static String withMembers(String base, String members) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode body = (ObjectNode) mapper.readTree(base);
            body.setAll((ObjectNode) mapper.readTree("{" + members + "}"));
            return mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(members, e);
        }
    }

    @Test
    void everyViolationIsListedAtOnce() {
        json().body("""
                {"name": "multi", "address": "nope", "ports": [0], "protocol": "x", "healthCheck": {"rise": 0}}""")
                .post("/api/v1/virtual-services")
                .then().statusCode(400)
                .body("errors", hasSize(4))
                .body("errors.field", hasItems("address", "ports[0]", "protocol", "healthCheck.rise"));
    }

    @Test
    void weightStyleMessageNamesValueAndRange() {
        json().body("{\"address\": \"127.0.0.1\", \"ports\": [0]}").put(vsPath(uniqueName("msg")))
                .then().statusCode(400)
                .body("errors[0].message", equalTo("ports[0]: 0 (expected 1..65535)"));
    }

    @Test
    void oneBadFieldAmongGoodOnesPersistsNothing() {
        String name = uniqueName("partial");
        String address = uniqueAddress();
        json().body("{\"address\": \"" + address + "\", \"ports\": [80]}").put(vsPath(name)).then().statusCode(201);
        long before = configVersion();
        json().body("""
                {"address": "%s", "ports": [81], "algorithm": "source-hash", "proxyProtocol": true,
                 "healthCheck": {"rise": 500}}""".formatted(address))
                .put(vsPath(name)).then().statusCode(400);
        given().get(vsPath(name)).then().statusCode(200)
                .body("ports[0]", equalTo(80))
                .body("algorithm", equalTo("weighted-least-connections"))
                .body("proxyProtocol", equalTo(false));
        assertEquals(before, configVersion());
    }

    @Test
    void missingRequiredFieldsAreNamed() {
        json().body("{}").post("/api/v1/virtual-services")
                .then().statusCode(400)
                .body("errors.field", hasItems("name", "address", "ports"));
    }

    @Test
    void malformedJsonIs400() {
        json().body("{\"address\": ").put(vsPath(uniqueName("malformed")))
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:fulcrum:problem:malformed-request"));
    }

    @Test
    void duplicateJsonKeysAreMalformed() {
        json().body("{\"address\": \"127.0.0.1\", \"address\": \"127.0.0.2\", \"ports\": [1]}")
                .put(vsPath(uniqueName("dupkey"))).then().statusCode(400);
    }

    @Test
    void wrongContentTypeIs415Problem() {
        given().contentType("text/plain").body("hello").put(vsPath(uniqueName("ctype")))
                .then().statusCode(415)
                .contentType("application/problem+json")
                .body("status", equalTo(415));
    }

    @Test
    void badWaitIs400AndWritesNothing() {
        String name = uniqueName("wait");
        json().body("{\"address\": \"" + uniqueAddress() + "\", \"ports\": [80]}").put(vsPath(name) + "?wait=61s")
                .then().statusCode(400).body("errors.field", hasItem("wait"));
        json().body("{\"address\": \"" + uniqueAddress() + "\", \"ports\": [80]}").put(vsPath(name) + "?wait=soon")
                .then().statusCode(400);
        given().get(vsPath(name)).then().statusCode(404);
    }

    @Test
    void waitWithoutAnAckingNodeNeverReportsApplied() {
        String name = uniqueName("wait-unserved");
        String sync = json().body("{\"address\": \"" + uniqueAddress() + "\", \"ports\": [80]}")
                .put(vsPath(name) + "?wait=200ms").then().statusCode(201).extract().header("Fulcrum-Sync");
        // No node, or only nodes that never apply it (earlier tests' streams, closed): never "applied".
        org.junit.jupiter.api.Assertions.assertTrue(sync.equals("no-nodes") || sync.startsWith("pending; nodes="), sync);
    }
}
