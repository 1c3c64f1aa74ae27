package io.fulcrum.controlplane.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fulcrum.controlplane.api.ApiRoutes;
import io.fulcrum.controlplane.audit.AuditResource;
import io.fulcrum.controlplane.declarative.ConfigDocumentResource;
import io.fulcrum.controlplane.domain.Defaults;
import io.fulcrum.controlplane.domain.DurationText;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.overview.OverviewResource;
import io.fulcrum.controlplane.realserver.RealServerResource;
import io.fulcrum.controlplane.validation.Names;
import io.fulcrum.controlplane.virtualservice.VirtualServiceResource;
import io.quarkus.test.junit.QuarkusTest;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * openapi/openapi.yaml is the contract automation relies on. It must be a valid OpenAPI 3 document,
 * the service must serve exactly it, and it must describe exactly the operations the code serves,
 * with the code's defaults and limits. ContractFilter checks every interaction of the other tests.
 */
@QuarkusTest
class OpenApiDocumentTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void thePublishedDocumentIsValidOpenApi3() {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readLocation(ContractFilter.published().toString(), null, options);
        assertEquals(List.of(), result.getMessages(), "openapi/openapi.yaml has errors");
        assertEquals("3.0.3", result.getOpenAPI().getOpenapi());
    }

    @Test
    void theServiceServesThePublishedDocument() throws Exception {
        JsonNode served = YAML.readTree(given().accept("application/yaml").get("/q/openapi").then().statusCode(200)
                .extract().asString());
        JsonNode published = YAML.readTree(Files.readString(ContractFilter.published()));
        assertEquals(published, served, "/q/openapi differs from openapi/openapi.yaml");
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void theDocumentHasExactlyTheOperationsTheResourcesServe() throws Exception {
        JsonNode paths = document().get("paths");
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(method -> {
                if (!method.equals("parameters")) {
                    documented.add(method.toUpperCase() + " " + path.getKey() + " " + queryParameters(path.getValue(),
                            method));
                }
            });
        }
        Set<String> served = new TreeSet<>();
        for (ApiRoutes.Route route : routes().routes()) {
            route.operations().forEach((method, operation) ->
                    served.add(method + " " + route.template() + " " + new TreeSet<>(operation.queryParameters())));
        }
        assertEquals(served, documented);
    }

    @Test
    void everyOperationNeedsTheRoleTheDocumentStates() throws Exception {
        JsonNode paths = document().get("paths");
        for (ApiRoutes.Route route : routes().routes()) {
            route.operations().forEach((method, operation) -> {
                io.fulcrum.controlplane.security.RequiresRole required =
                        operation.resourceMethod().getAnnotation(io.fulcrum.controlplane.security.RequiresRole.class);
                String where = method + " " + route.template();
                assertTrue(required != null, where + " has no @RequiresRole");
                assertEquals(required.value().json(), paths.path(route.template()).path(method.toLowerCase())
                        .path("x-fulcrum-role").asText(), where);
            });
        }
        assertEquals("[{\"bearer\":[]}]", document().get("security").toString());
    }

    static ApiRoutes routes() {
        return ApiRoutes.of(List.of(VirtualServiceResource.class, RealServerResource.class,
                ConfigDocumentResource.class, OverviewResource.class, AuditResource.class,
                io.fulcrum.controlplane.security.TokenResource.class, io.fulcrum.controlplane.security.SessionResource.class));
    }

    @Test
    void theDocumentedDefaultsAreTheOnesTheCodeApplies() throws Exception {
        JsonNode vs = document().at("/components/schemas/VirtualServicePatch/properties");
        Map<String, Object> expected = new HashMap<>();
        expected.put("protocol", Defaults.PROTOCOL.json());
        expected.put("layer", Defaults.LAYER.number());
        expected.put("algorithm", Defaults.ALGORITHM.json());
        expected.put("proxyProtocol", Defaults.PROXY_PROTOCOL);
        expected.put("clientIdleTimeout", DurationText.format(Defaults.IDLE_TIMEOUT));
        expected.put("serverIdleTimeout", DurationText.format(Defaults.IDLE_TIMEOUT));
        expected.put("connectTimeout", DurationText.format(Defaults.CONNECT_TIMEOUT));
        expected.put("flowIdleTimeout", DurationText.format(Defaults.FLOW_IDLE_TIMEOUT));
        expected.put("maxFlows", Defaults.MAX_FLOWS);
        expected.put("persistence.mode", Defaults.PERSISTENCE_MODE.json());
        expected.put("healthCheck.type", Defaults.HEALTH_CHECK_TYPE.json());
        expected.put("healthCheck.interval", DurationText.format(Defaults.CHECK_INTERVAL));
        expected.put("healthCheck.rise", Defaults.RISE);
        expected.put("healthCheck.fall", Defaults.FALL);
        expected.put("healthCheck.path", Defaults.HTTP_PATH);
        expected.put("healthCheck.expectStatus", Defaults.EXPECT_STATUS);
        expected.forEach((field, value) -> {
            String pointer = "/" + field.replace(".", "/properties/") + "/default";
            assertEquals(YAML.valueToTree(value), vs.at(pointer), "default of " + field);
        });
        JsonNode rs = document().at("/components/schemas/RealServerPatch/properties");
        assertEquals(Defaults.WEIGHT, rs.at("/weight/default").intValue());
        assertEquals(Defaults.MIN_CONNECTIONS, rs.at("/minConnections/default").intValue());
        assertEquals(Defaults.MAX_CONNECTIONS, rs.at("/maxConnections/default").intValue());
        assertEquals(Defaults.STATE.json(), rs.at("/state/default").textValue());
    }

    @Test
    void theDocumentedLimitsAreTheOnesTheCodeEnforces() throws Exception {
        JsonNode schemas = document().at("/components/schemas");
        assertEquals(Names.PATTERN, schemas.at("/Name/pattern").textValue());
        assertEquals(Limits.NAME_CHARS, schemas.at("/Name/maxLength").intValue());
        String timeout = DurationText.pattern(Limits.DURATION_MIN, Limits.TIMEOUT_MAX);
        String connect = DurationText.pattern(Limits.DURATION_MIN, Limits.CONNECT_TIMEOUT_MAX);
        String interval = DurationText.pattern(Limits.CHECK_INTERVAL_MIN, Limits.CHECK_INTERVAL_MAX);
        String checkTimeout = DurationText.pattern(Limits.DURATION_MIN, Limits.CHECK_INTERVAL_MAX);
        String wait = DurationText.pattern(Limits.DURATION_MIN, Limits.WAIT_MAX);
        String lifetime = DurationText.pattern(Limits.TOKEN_LIFETIME_MIN, Limits.TOKEN_LIFETIME_MAX);
        assertEquals(lifetime, schemas.at("/TokenCreate/properties/expiresIn/pattern").textValue());
        assertEquals(timeout, schemas.at("/Timeout/pattern").textValue());
        assertEquals(connect, schemas.at("/ConnectTimeout/pattern").textValue());
        assertEquals(interval, schemas.at("/CheckInterval/pattern").textValue());
        assertEquals(checkTimeout, schemas.at("/CheckTimeout/pattern").textValue());
        assertEquals(wait, document().at("/components/parameters/Wait/schema/pattern").textValue());
        JsonNode patch = schemas.at("/VirtualServicePatch/properties");
        for (String field : List.of("clientIdleTimeout", "serverIdleTimeout", "flowIdleTimeout", "persistence/properties/timeout")) {
            assertEquals(timeout, patch.at("/" + field + "/pattern").textValue(), field);
        }
        assertEquals(connect, patch.at("/connectTimeout/pattern").textValue());
        assertEquals(interval, patch.at("/healthCheck/properties/interval/pattern").textValue());
        assertEquals(checkTimeout, patch.at("/healthCheck/properties/timeout/pattern").textValue());
        assertEquals(Limits.PORTS, schemas.at("/Ports/maxItems").intValue());
        assertEquals(Limits.WEIGHT_MAX, schemas.at("/RealServer/properties/weight/maximum").intValue());
        assertEquals(Limits.CONNECTIONS_MAX, schemas.at("/RealServer/properties/maxConnections/maximum").intValue());
        assertEquals(Limits.MAX_FLOWS_MAX, schemas.at("/VirtualService/properties/maxFlows/maximum").intValue());
        assertEquals(Limits.RISE_FALL_MAX, schemas.at("/HealthCheck/properties/rise/maximum").intValue());
        assertEquals(Limits.VIRTUAL_SERVICES, schemas.at("/ConfigDocumentInput/properties/virtualServices/maxItems").intValue());
        assertEquals(Limits.REAL_SERVERS_PER_SERVICE,
                schemas.at("/DocumentVirtualServiceInput/properties/realServers/maxItems").intValue());
        assertEquals(Limits.REPORTED_ERRORS, schemas.at("/Problem/properties/errors/maxItems").intValue());
        assertEquals(Limits.AUDIT_PAGE_MAX, document().at("/paths/~1api~1v1~1audit/get/parameters/0/schema/maximum").intValue());
        // Every duration in the document states one of the code's ranges.
        document().findValues("pattern").stream().map(JsonNode::textValue)
                .filter(pattern -> pattern.contains(")ms|"))
                .forEach(pattern -> assertTrue(List.of(timeout, connect, interval, checkTimeout, wait, lifetime).contains(pattern),
                        pattern));
        assertTrue(document().findValues("pattern").stream().map(JsonNode::textValue)
                .allMatch(pattern -> pattern.startsWith("^") && pattern.endsWith("$")), "every pattern is anchored");
    }

    @Test
    void theAddressPatternAcceptsWhatTheServiceAccepts() throws Exception {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(
                document().at("/components/schemas/Address/pattern").textValue());
        for (String address : List.of("127.0.0.1", "0.0.0.0", "255.255.255.255", "::1", "0:0:0:0:0:0:0:1", "::",
                "2001:DB8:0:0:1:0:0:1", "fe80::", "1:0:0:2:0:0:0:3", "::ffff:10.0.0.1", "64:ff9b::192.0.2.33",
                "1:2:3:4:5:6:7:8", "1::8", "localhost", "example.com", "127.0.0.256", "127.0.0.01", "127.1",
                "1.2.3.4.5", "fe80::1%eth0", ":::", "12345::", "1.2.3.4 ", "[::1]", "1:2:3:4:5:6:7:8:9", "::g", ":1")) {
            assertEquals(io.fulcrum.controlplane.validation.IpLiterals.canonical(address) != null,
                    pattern.matcher(address).matches(), address);
        }
    }

    private static String queryParameters(JsonNode path, String method) {
        Set<String> names = new TreeSet<>();
        for (JsonNode parameter : path.get(method).path("parameters")) {
            JsonNode resolved = parameter.has("$ref") ? resolve(parameter.get("$ref").textValue()) : parameter;
            if ("query".equals(resolved.get("in").textValue())) {
                names.add(resolved.get("name").textValue());
            }
        }
        return names.toString();
    }

    private static JsonNode resolve(String ref) {
        try {
            return document().at(ref.substring(1));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode document() throws java.io.IOException {
        return YAML.readTree(Files.readString(ContractFilter.published()));
    }
}
