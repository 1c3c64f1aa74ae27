package io.fulcrum.controlplane.snapshot;

import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.realServer;
import static io.fulcrum.controlplane.Fixtures.rsPath;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Reading again only the services the audit log names must give exactly what a full read gives, after every kind of write. */
@QuarkusTest
class IncrementalReadDatabaseTest {

    @Inject
    ConfigStateReader reader;

    private IncrementalRead last;

    private void assertSameAsAFullRead(String after) {
        IncrementalRead next = reader.readChanged(last, version -> true);
        assertEquals(reader.read(), next.state(), "after " + after);
        last = next;
    }

    @Test
    void readingChangedServicesOnlyMatchesAFullReadAfterEveryKindOfWrite() {
        last = reader.readChanged(IncrementalRead.NONE, version -> true);
        String name = uniqueName("incremental");
        String address = uniqueAddress();
        json().body(virtualService(name, address, 8443)).post("/api/v1/virtual-services").then().statusCode(201);
        assertSameAsAFullRead("creating a virtual service");

        json().body(realServer("rs1", "127.0.0.21")).post(vsPath(name) + "/real-servers").then().statusCode(201);
        json().body(realServer("rs2", "127.0.0.22")).post(vsPath(name) + "/real-servers").then().statusCode(201);
        assertSameAsAFullRead("creating real servers");

        json().body("{\"weight\": 7}").patch(rsPath(name, "rs1")).then().statusCode(200);
        assertSameAsAFullRead("patching a real server");

        given().delete(rsPath(name, "rs2")).then().statusCode(204);
        assertSameAsAFullRead("deleting the real server with the latest version");

        given().delete(rsPath(name, "rs1")).then().statusCode(204);
        json().body(realServer("rs1", "127.0.0.23")).post(vsPath(name) + "/real-servers").then().statusCode(201);
        assertSameAsAFullRead("deleting and re-creating a real server under the same label");

        json().body("{\"algorithm\": \"source-hash\"}").patch(vsPath(name)).then().statusCode(200);
        assertSameAsAFullRead("patching the virtual service");

        json().body(virtualService(name, address, 8444)).put(vsPath(name)).then().statusCode(200);
        assertSameAsAFullRead("replacing the virtual service");

        given().delete(vsPath(name)).then().statusCode(204);
        assertSameAsAFullRead("deleting the virtual service");

        String other = uniqueName("incremental");
        String first = "a" + uniqueName("incremental");
        json().body(virtualService(other, uniqueAddress(), 8443)).post("/api/v1/virtual-services").then().statusCode(201);
        json().body(virtualService(first, uniqueAddress(), 8443)).post("/api/v1/virtual-services").then().statusCode(201);
        assertSameAsAFullRead("creating services that sort before and after the others");
        assertTrue(last.state().virtualServices().stream().noneMatch(s -> s.virtualService().name().equals(name)));
    }

    @Test
    void servicesThatDidNotChangeAreTakenFromThePreviousRead() {
        String untouched = uniqueName("untouched");
        String changed = uniqueName("changed");
        json().body(virtualService(untouched, uniqueAddress(), 8443)).post("/api/v1/virtual-services").then().statusCode(201);
        json().body(virtualService(changed, uniqueAddress(), 8443)).post("/api/v1/virtual-services").then().statusCode(201);
        IncrementalRead before = reader.readChanged(IncrementalRead.NONE, version -> true);

        json().body(realServer("rs1", "127.0.0.21")).post(vsPath(changed) + "/real-servers").then().statusCode(201);
        IncrementalRead after = reader.readChanged(before, version -> true);

        assertSame(configured(before, untouched), configured(after, untouched));
        assertEquals(1, configured(after, changed).realServers().size());
        assertEquals(reader.read(), after.state());
    }

    @Test
    void aDeclarativeApplyIsReadLikeAFullRead() {
        last = reader.readChanged(IncrementalRead.NONE, version -> true);
        String kept = uniqueName("declared");
        String added = uniqueName("declared");
        String address = uniqueAddress();
        String document = """
                {"virtualServices": [
                  {"name": "%s", "address": "%s", "ports": [8443],
                   "realServers": [{"label": "rs1", "address": "127.0.0.21"}, {"label": "rs2", "address": "127.0.0.22"}]}
                ]}""".formatted(kept, address);
        json().body(document).put("/api/v1/config").then().statusCode(200);
        assertSameAsAFullRead("a declarative apply that replaced everything");

        json().body("""
                {"virtualServices": [
                  {"name": "%s", "address": "%s", "ports": [8443],
                   "realServers": [{"label": "rs1", "address": "127.0.0.21", "weight": 3}]},
                  {"name": "%s", "address": "%s", "ports": [8444]}
                ]}""".formatted(kept, address, added, address)).put("/api/v1/config").then().statusCode(200);
        assertSameAsAFullRead("a declarative apply that changed, removed and added");
    }

    @Test
    void aChangeNotCommittedHereIsReadInFull() {
        String name = uniqueName("elsewhere");
        json().body(virtualService(name, uniqueAddress(), 8443)).post("/api/v1/virtual-services").then().statusCode(201);
        IncrementalRead before = reader.readChanged(IncrementalRead.NONE, version -> true);
        json().body(realServer("rs1", "127.0.0.21")).post(vsPath(name) + "/real-servers").then().statusCode(201);

        IncrementalRead after = reader.readChanged(before, version -> false);
        assertEquals(reader.read(), after.state());
        assertTrue(after.virtualServices().stream().noneMatch(service -> before.virtualServices().stream()
                .anyMatch(old -> old == service)), "nothing taken from the previous read");
    }

    private static ConfigState.ConfiguredVirtualService configured(IncrementalRead config, String name) {
        return config.virtualServices().stream().filter(c -> c.virtualService().name().equals(name)).findFirst()
                .orElseThrow();
    }
}
