package io.fulcrum.controlplane.virtualservice;

import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** A client's first byte has its own timeout, and a virtual service may cap its connections per node. */
@QuarkusTest
class ClientLimitsApiTest {

    private static String tcp(String extra) {
        return "{\"address\": \"" + uniqueAddress() + "\", \"ports\": [443]" + extra + "}";
    }

    @Test
    void theDefaultsAreAMinuteAndNoLimitOfTheServicesOwn() {
        json().body(tcp("")).put(vsPath(uniqueName("limits"))).then().statusCode(201)
                .body("clientFirstByteTimeout", equalTo("1m"))
                .body("maxConnections", equalTo(0))
                .body("maxConnectionsPerClient", equalTo(0));
    }

    @Test
    void bothAreStoredAndChangedCanonically() {
        String name = uniqueName("limits-set");
        json().body(tcp(", \"clientFirstByteTimeout\": \"15000ms\", \"maxConnections\": 500, \"maxConnectionsPerClient\": 8"))
                .put(vsPath(name)).then().statusCode(201)
                .body("maxConnectionsPerClient", equalTo(8))
                .body("clientFirstByteTimeout", equalTo("15s"))
                .body("maxConnections", equalTo(500));
        json().contentType("application/merge-patch+json").body("{\"maxConnections\": null}").patch(vsPath(name))
                .then().statusCode(200)
                .body("maxConnections", equalTo(0))
                .body("clientFirstByteTimeout", equalTo("15s"));
    }

    @Test
    void outOfRangeValuesAreRefusedAndNamed() {
        json().body(tcp(", \"maxConnections\": 1000001")).put(vsPath(uniqueName("limits-bad")))
                .then().statusCode(400).body("errors.field", hasItem("maxConnections"));
        json().body(tcp(", \"maxConnections\": -1")).put(vsPath(uniqueName("limits-bad")))
                .then().statusCode(400).body("errors.field", hasItem("maxConnections"));
        json().body(tcp(", \"maxConnectionsPerClient\": 1000001")).put(vsPath(uniqueName("limits-bad")))
                .then().statusCode(400).body("errors.field", hasItem("maxConnectionsPerClient"));
        json().body(tcp(", \"clientFirstByteTimeout\": \"25d\"")).put(vsPath(uniqueName("limits-bad")))
                .then().statusCode(400).body("errors.field", hasItem("clientFirstByteTimeout"));
        json().body(tcp(", \"clientFirstByteTimeout\": \"0ms\"")).put(vsPath(uniqueName("limits-bad")))
                .then().statusCode(400).body("errors.field", hasItem("clientFirstByteTimeout"));
    }
}
