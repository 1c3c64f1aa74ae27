package io.fulcrum.controlplane.warning;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The same real server address:port behind layer 7 and layer 4 is accepted with a warning in the
 * written resource's body; the warning is never stored.
 */
@QuarkusTest
class LayerMixApiTest {

    private static String service(String address, int layer) {
        return """
                {"address": "%s", "ports": [8443], "protocol": "%s", "layer": %d}"""
                .formatted(address, layer == 4 ? "udp" : "tcp", layer);
    }

    @Test
    void realServerWriteIsAcceptedWithAWarningThatIsNotStored() {
        String serverAddress = uniqueAddress();
        String https = uniqueName("mix-https");
        String udp = uniqueName("mix-udp");
        json().body(service(uniqueAddress(), 7)).put(vsPath(https)).then().statusCode(201);
        json().body(service(uniqueAddress(), 4)).put(vsPath(udp)).then().statusCode(201);
        String rs = "{\"address\": \"" + serverAddress + "\"}";
        json().body(rs).put(rsPath(https, "one")).then().statusCode(201).body("$", not(hasKey("warnings")));

        String etag = json().body(rs).put(rsPath(udp, "one")).then().statusCode(201)
                .body("warnings", hasSize(1))
                .body("warnings[0].field", equalTo("address"))
                .body("warnings[0].message", startsWith("real server " + serverAddress
                        + ":8443 also serves layer-7 virtual service " + https + ";"))
                .extract().header("ETag");

        given().get(rsPath(udp, "one")).then().statusCode(200).body("$", not(hasKey("warnings")));
        long before = configVersion();
        json().body(rs).put(rsPath(udp, "one")).then().statusCode(200)
                .header("ETag", etag)
                .body("warnings", hasSize(1));
        assertEquals(before, configVersion());
    }

    @Test
    void differentPortsGiveNoWarning() {
        String serverAddress = uniqueAddress();
        String https = uniqueName("apart-https");
        String udp = uniqueName("apart-udp");
        json().body(service(uniqueAddress(), 7)).put(vsPath(https)).then().statusCode(201);
        json().body(service(uniqueAddress(), 4)).put(vsPath(udp)).then().statusCode(201);
        json().body("{\"address\": \"" + serverAddress + "\"}").put(rsPath(https, "one")).then().statusCode(201);
        json().body("{\"address\": \"" + serverAddress + "\", \"port\": 9443}").put(rsPath(udp, "one"))
                .then().statusCode(201).body("$", not(hasKey("warnings")));
    }

    @Test
    void changingTheLayerOfAServiceWarnsAboutItsRealServers() {
        String serverAddress = uniqueAddress();
        String https = uniqueName("layer-https");
        String moving = uniqueName("layer-moving");
        json().body(service(uniqueAddress(), 7)).put(vsPath(https)).then().statusCode(201);
        json().body(service(uniqueAddress(), 7)).put(vsPath(moving)).then().statusCode(201);
        json().body("{\"address\": \"" + serverAddress + "\"}").put(rsPath(https, "one")).then().statusCode(201);
        json().body("{\"address\": \"" + serverAddress + "\"}").put(rsPath(moving, "one"))
                .then().statusCode(201).body("$", not(hasKey("warnings")));

        json().contentType("application/merge-patch+json").body("{\"layer\": 4}").patch(vsPath(moving))
                .then().statusCode(200)
                .body("layer", equalTo(4))
                .body("warnings.field", hasItem("layer"));
        json().contentType("application/merge-patch+json").body("{\"algorithm\": \"source-hash\"}")
                .patch(vsPath(moving)).then().statusCode(200).body("$", not(hasKey("warnings")));
    }
}
