package io.fulcrum.controlplane.declarative;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Documents at the limits: validation is one pass with hash lookups whatever the document holds,
 * answers list at most 100 errors or warnings with their count, and counts stay within what nodes serve.
 */
@QuarkusTest
class LargeDocumentApiTest {

    /** A document of {@code services} virtual services with {@code servers} real servers each. */
    private static String document(String prefix, int services, int servers, boolean sameAddress) {
        StringBuilder doc = new StringBuilder("{\"virtualServices\": [");
        for (int s = 0; s < services; s++) {
            doc.append(s == 0 ? "" : ",").append("{\"name\": \"").append(prefix).append('-').append(s)
                    .append("\", \"address\": \"127.3.").append(s).append(".1\", \"ports\": [443], \"realServers\": [");
            for (int r = 0; r < servers; r++) {
                String address = sameAddress ? "127.0.0.21" : "127.4." + (r / 250) + "." + (r % 250 + 1);
                doc.append(r == 0 ? "" : ",").append("{\"label\": \"rs-").append(r).append("\", \"address\": \"")
                        .append(address).append("\"}");
            }
            doc.append("]}");
        }
        return doc.append("]}").toString();
    }

    @Test
    void fiveThousandRealServersOnOneAddressAnswerTheFirstHundredErrorsAndTheirCount() {
        long before = configVersion();
        Response answer = json().body(document(uniqueName("dup"), 1, 5000, true)).put("/api/v1/config?dryRun=true");
        answer.then().statusCode(400)
                .body("errors", hasSize(100))
                .body("errorCount", equalTo(4999))
                .body("errors[0].field", equalTo("virtualServices[0].realServers[1].port"));
        assertTrue(answer.asByteArray().length < 64 * 1024, answer.asByteArray().length + " bytes");
        assertEquals(before, configVersion());
    }

    @Test
    void fortyThousandRealServersValidateInOnePass() {
        String doc = document(uniqueName("big"), 4, 10_000, false);
        long[] threads = ManagementFactory.getThreadMXBean().getAllThreadIds();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = Arrays.stream(mx.getThreadAllocatedBytes(threads)).filter(b -> b > 0).sum();
        long started = System.nanoTime();
        Response answer = json().body(doc).put("/api/v1/config?dryRun=true");
        long millis = (System.nanoTime() - started) / 1_000_000;
        long allocated = Arrays.stream(mx.getThreadAllocatedBytes(threads)).filter(b -> b > 0).sum() - allocatedBefore;
        answer.then().statusCode(200).body("dryRun", equalTo(true));
        assertEquals(40_004, answer.jsonPath().getList("create").size());
        System.out.printf("40,000 real servers (%d bytes): dry run answered in %d ms, ~%d MB allocated%n",
                doc.length(), millis, allocated / 1_000_000);
        // A quadratic check took over a minute here; a generous bound keeps one from coming back.
        assertTrue(millis < 20_000, millis + " ms");
    }

    @Test
    void moreVirtualServicesThanAllowedAreRefusedUnread() {
        StringBuilder doc = new StringBuilder("{\"virtualServices\": [");
        for (int i = 0; i <= 10_000; i++) {
            doc.append(i == 0 ? "" : ",").append("{}");
        }
        json().body(doc.append("]}").toString()).put("/api/v1/config?dryRun=true").then().statusCode(400)
                .body("errorCount", equalTo(1))
                .body("errors[0].field", equalTo("virtualServices"))
                .body("errors[0].message", equalTo("virtualServices: 10001 entries (expected a list of at most 10000 "
                        + "virtual services)"));
    }

    @Test
    void warningsAreListedUpToAHundredWithTheirCount() {
        String l7 = uniqueName("mix7");
        String l4 = uniqueName("mix4");
        StringBuilder servers = new StringBuilder();
        for (int r = 0; r < 150; r++) {
            servers.append(r == 0 ? "" : ",").append("{\"label\": \"rs-").append(r)
                    .append("\", \"address\": \"127.5.0.").append(r + 1).append("\"}");
        }
        String doc = """
                {"virtualServices": [
                  {"name": "%s", "address": "127.6.0.1", "ports": [443], "realServers": [%s]},
                  {"name": "%s", "address": "127.6.0.1", "ports": [443], "protocol": "udp", "layer": 4,
                   "healthCheck": {"type": "ping"}, "realServers": [%s]}]}""".formatted(l7, servers, l4, servers);
        json().body(doc).put("/api/v1/config?dryRun=true").then().statusCode(200)
                .body("warnings", hasSize(100))
                .body("warningCount", equalTo(150));
    }

    @Test
    void aVirtualServiceTakesNoMoreRealServersThanNodesServe() {
        String name = uniqueName("full");
        String doc = document(name, 1, 10_000, false).replace("\"" + name + "-0\"", "\"" + name + "\"");
        json().body(doc).put("/api/v1/config").then().statusCode(200);
        long before = configVersion();
        json().body("{\"label\": \"one-more\", \"address\": \"127.7.0.1\"}").post(vsPath(name) + "/real-servers")
                .then().statusCode(409)
                .body("errors[0].field", equalTo("label"))
                .body("errors[0].message", equalTo("label: virtual service " + name + " already has 10000 real servers "
                        + "(the most one may have is 10000)"));
        assertEquals(before, configVersion());
        given().delete(vsPath(name)).then().statusCode(204);
    }
}
