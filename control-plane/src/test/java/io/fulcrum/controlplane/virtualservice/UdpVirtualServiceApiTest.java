package io.fulcrum.controlplane.virtualservice;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Layer-4 UDP virtual services: flow settings, long persistence, and what layer 4 refuses. */
@QuarkusTest
class UdpVirtualServiceApiTest {

    private static String udp(String address, String extra) {
        return """
                {"address": "%s", "ports": [8443], "protocol": "udp", "layer": 4%s}""".formatted(address, extra);
    }

    @Test
    void flowSettingsDefaultAndAreShownForEveryService() {
        String name = uniqueName("udp-defaults");
        json().body(udp(uniqueAddress(), "")).put(vsPath(name)).then().statusCode(201)
                .body("flowIdleTimeout", equalTo("5m"))
                .body("maxFlows", equalTo(10000));
        String tcp = uniqueName("tcp-defaults");
        json().body("{\"address\": \"" + uniqueAddress() + "\", \"ports\": [80]}").put(vsPath(tcp))
                .then().statusCode(201)
                .body("flowIdleTimeout", equalTo("5m"))
                .body("maxFlows", equalTo(10000));
    }

    @Test
    void flowSettingsAreStoredCanonicallyAndAnIdenticalPutIsANoOp() {
        String name = uniqueName("udp-flows");
        String body = udp(uniqueAddress(), ", \"flowIdleTimeout\": \"90s\", \"maxFlows\": 1000000");
        String etag = json().body(body).put(vsPath(name)).then().statusCode(201)
                .body("flowIdleTimeout", equalTo("90s"))
                .body("maxFlows", equalTo(1000000))
                .extract().header("ETag");
        long before = configVersion();
        json().body(body).put(vsPath(name)).then().statusCode(200).header("ETag", etag);
        assertEquals(before, configVersion());
        json().contentType("application/merge-patch+json").body("{\"flowIdleTimeout\": \"120s\", \"maxFlows\": 1}")
                .patch(vsPath(name)).then().statusCode(200)
                .body("flowIdleTimeout", equalTo("2m"))
                .body("maxFlows", equalTo(1));
        given().get(vsPath(name)).then().statusCode(200)
                .body("flowIdleTimeout", equalTo("2m"))
                .body("maxFlows", equalTo(1));
    }

    @Test
    void aUdpCheckSendsADatagramAndMayExpectText() {
        String name = uniqueName("udp-check");
        json().body(udp(uniqueAddress(), ", \"healthCheck\": {\"type\": \"udp\", \"expect\": \"pong\"}"))
                .put(vsPath(name)).then().statusCode(201)
                .body("healthCheck.type", equalTo("udp"))
                .body("healthCheck.send", equalTo("fulcrum-health-check"))
                .body("healthCheck.expect", equalTo("pong"))
                .body("healthCheck.path", nullValue())
                .body("warnings", nullValue());
        json().contentType("application/merge-patch+json").body("{\"healthCheck\": {\"send\": \"ping me\"}}")
                .patch(vsPath(name)).then().statusCode(200)
                .body("healthCheck.send", equalTo("ping me"))
                .body("healthCheck.expect", equalTo("pong"));
        // Another type keeps neither: a later switch back starts from the defaults.
        json().contentType("application/merge-patch+json").body("{\"healthCheck\": {\"type\": \"ping\"}}")
                .patch(vsPath(name)).then().statusCode(200)
                .body("healthCheck.send", nullValue())
                .body("healthCheck.expect", nullValue());
    }

    @Test
    void aUdpCheckPayloadIsPrintableAsciiOfAtMost512Characters() {
        for (String bad : new String[] {"\"\"", "\"tab\\there\"", "\"" + "x".repeat(513) + "\"", "\"caf\u00e9\"", "7"}) {
            json().body(udp(uniqueAddress(), ", \"healthCheck\": {\"type\": \"udp\", \"send\": " + bad + "}"))
                    .put(vsPath(uniqueName("udp-bad-send"))).then().statusCode(400)
                    .body("errors.field", hasItem("healthCheck.send"));
        }
        json().body(udp(uniqueAddress(), ", \"healthCheck\": {\"type\": \"udp\", \"send\": \"" + "x".repeat(512) + "\"}"))
                .put(vsPath(uniqueName("udp-long-send"))).then().statusCode(201);
    }

    @Test
    void persistenceOfSixHoursAndSevenDaysIsAccepted() {
        String name = uniqueName("udp-6h");
        json().body(udp(uniqueAddress(), ", \"persistence\": {\"mode\": \"source-ip\", \"timeout\": \"6h\"}"))
                .put(vsPath(name)).then().statusCode(201)
                .body("persistence.timeout", equalTo("6h"));
        json().contentType("application/merge-patch+json").body("{\"persistence\": {\"timeout\": \"168h\"}}")
                .patch(vsPath(name)).then().statusCode(200)
                .body("persistence.timeout", equalTo("7d"));
    }

    @Test
    void udpServiceCheckedByATcpDialOnItsOwnPortIsAcceptedWithAWarning() {
        json().body(udp(uniqueAddress(), "")).put(vsPath(uniqueName("udp-connect"))).then().statusCode(201)
                .body("healthCheck.type", equalTo("connect"))
                .body("warnings.field", hasItem("healthCheck.type"));
        json().body(udp(uniqueAddress(), ", \"healthCheck\": {\"type\": \"ping\"}"))
                .put(vsPath(uniqueName("udp-ping"))).then().statusCode(201)
                .body("warnings", nullValue());
        json().body(udp(uniqueAddress(), ", \"healthCheck\": {\"type\": \"connect\", \"port\": 3389}"))
                .put(vsPath(uniqueName("udp-tcp-port"))).then().statusCode(201)
                .body("warnings", nullValue());
    }

    @Test
    void udpAndTcpMayShareAddressAndPort() {
        String address = uniqueAddress();
        json().body(udp(address, "")).put(vsPath(uniqueName("udp-share"))).then().statusCode(201);
        json().body("{\"address\": \"" + address + "\", \"ports\": [8443]}").put(vsPath(uniqueName("tcp-share")))
                .then().statusCode(201);
    }

    @Test
    void switchingToLayerFourWithProxyProtocolIsRefusedAndChangesNothing() {
        String name = uniqueName("l7-proxy");
        json().body("{\"address\": \"" + uniqueAddress() + "\", \"ports\": [443], \"proxyProtocol\": true}")
                .put(vsPath(name)).then().statusCode(201);
        long before = configVersion();
        json().contentType("application/merge-patch+json").body("{\"layer\": 4}").patch(vsPath(name))
                .then().statusCode(400)
                .body("errors.field", hasItem("proxyProtocol"));
        assertEquals(before, configVersion());
        json().contentType("application/merge-patch+json").body("{\"layer\": 4, \"proxyProtocol\": false}")
                .patch(vsPath(name)).then().statusCode(200).body("layer", equalTo(4));
    }
}
