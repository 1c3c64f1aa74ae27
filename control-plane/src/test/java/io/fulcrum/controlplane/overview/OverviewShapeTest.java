package io.fulcrum.controlplane.overview;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Automation parses the overview, so its member names are part of the contract. */
@QuarkusTest
class OverviewShapeTest {

    @Test
    void overviewKeepsItsShape() {
        String name = uniqueName("shape");
        String address = uniqueAddress();
        json().body(virtualService(name, address, 8443)).put(vsPath(name)).then().statusCode(201);
        json().body("{\"address\": \"127.0.0.21\", \"weight\": 5, \"state\": \"drain\"}").put(rsPath(name, "rs"))
                .then().statusCode(201);

        JsonPath overview = given().get("/api/v1/overview").then().statusCode(200).extract().jsonPath();
        assertEquals(configVersion(), overview.getLong("configVersion"));
        Map<String, Object> vs = overview.getMap("virtualServices.find { it.name == '" + name + "' }");
        assertEquals(Set.of("name", "address", "ports", "protocol", "layer", "status", "connections",
                "totalConnections", "bytesIn", "bytesOut", "refusedConnections", "droppedFlows", "repinnedFlows", "datagramsIn",
                "datagramsOut",
                "droppedDatagrams", "persistenceEntries", "activeNodes", "realServers"), vs.keySet());
        assertEquals(address, vs.get("address"));
        assertEquals("tcp", vs.get("protocol"));
        // Its only real server is drained, so nothing can take new connections.
        assertEquals("down", vs.get("status"));
        Map<String, Object> rs = overview.getMap("virtualServices.find { it.name == '" + name + "' }.realServers[0]");
        assertEquals(Set.of("label", "address", "port", "weight", "state", "health", "healthReason", "connections",
                "totalConnections", "bytesIn", "bytesOut", "datagramsIn", "datagramsOut", "healthByNode"), rs.keySet());
        assertEquals("drain", rs.get("state"));
        assertEquals("unknown", rs.get("health"));
        assertEquals(5, rs.get("weight"));
    }

    @Test
    void nodesListIsAnArrayCarryingTheConfigVersion() {
        given().get("/api/v1/nodes").then().statusCode(200)
                .header("Fulcrum-Config-Version", String.valueOf(configVersion()))
                .body("$", org.hamcrest.Matchers.instanceOf(java.util.List.class));
    }
}
