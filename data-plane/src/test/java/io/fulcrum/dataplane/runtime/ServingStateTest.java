package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.report.HealthEndpoint;
import io.fulcrum.dataplane.testing.Eventually;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.fulcrum.dataplane.testing.RuntimeFixture.ip;
import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a floating address's track script sees on the node's health endpoint, and the binds that keep
 * a standby warm: an address the host does not hold is bound all the same (IP_FREEBIND).
 */
class ServingStateTest {
    /** In the benchmarking range and on no interface of this host: only IP_FREEBIND can bind it. */
    private static final String NOT_HELD = "198.18.0.77";

    private final RuntimeFixture fixture = new RuntimeFixture();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void theEndpointSays503UntilAConfigurationServes200AndDraining503() throws Exception {
        try (HealthEndpoint endpoint = new HealthEndpoint(new InetSocketAddress("127.0.0.1", 0),
                fixture.runtime::servingState)) {
            URI health = URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/health");
            HttpResponse<String> before = get(health);
            assertEquals(503, before.statusCode());
            assertTrue(before.body().startsWith("no configuration yet"), before.body());

            fixture.apply(4, service("web", "127.0.0.1", FreePorts.next(), realServer("rs", "127.0.0.21", 80)));
            HttpResponse<String> serving = get(health);
            assertEquals(200, serving.statusCode());
            assertEquals("serving configuration version 4 (1 virtual services)\n", serving.body());

            fixture.runtime.stopAccepting();
            HttpResponse<String> draining = get(health);
            assertEquals(503, draining.statusCode());
            assertTrue(draining.body().startsWith("draining"), draining.body());

            assertEquals(404, get(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/status")).statusCode());
            assertEquals(200, get(URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/metrics")).statusCode());
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(health).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());
        }
    }

    @Test
    void aWaitForANodeNotServingIsAnsweredAtOnceAndForAServingOneAfterTheWait() throws Exception {
        try (HealthEndpoint endpoint = new HealthEndpoint(new InetSocketAddress("127.0.0.1", 0),
                fixture.runtime::servingState)) {
            String base = "http://127.0.0.1:" + endpoint.address().getPort() + "/health";
            HttpResponse<String> unconfigured = timed(URI.create(base + "?wait=1s"), 0, 900);
            assertEquals(503, unconfigured.statusCode(), "a node not serving is answered at once");

            fixture.apply(1, service("web", "127.0.0.1", FreePorts.next(), realServer("rs", "127.0.0.21", 80)));
            HttpResponse<String> serving = timed(URI.create(base + "?wait=300ms"), 300, 3_000);
            assertEquals(200, serving.statusCode());
            assertTrue(serving.body().startsWith("serving configuration version 1"), serving.body());
        }
    }

    @Test
    void requestsBeyondTwoWaitingAreAnsweredAtOnceAndTheWaitingOnesSeeADrainWithinMilliseconds() throws Exception {
        ServingState serving = new ServingState(true, "serving configuration version 1 (1 virtual services)");
        AtomicReference<ServingState> state = new AtomicReference<>(serving);
        try (HealthEndpoint endpoint = new HealthEndpoint(new InetSocketAddress("127.0.0.1", 0), state::get)) {
            URI waitASecond = URI.create("http://127.0.0.1:" + endpoint.address().getPort() + "/health?wait=1s");
            // A round counts when both waiters still wait after the third request, with 300 ms of their second
            // left: on a busy machine their wait may run out first, and the round is tried again.
            for (int round = 1; ; round++) {
                state.set(serving);
                long sent = System.nanoTime();
                List<CompletableFuture<HttpResponse<String>>> waiting = List.of(
                        http.sendAsync(HttpRequest.newBuilder(waitASecond).GET().build(), HttpResponse.BodyHandlers.ofString()),
                        http.sendAsync(HttpRequest.newBuilder(waitASecond).GET().build(), HttpResponse.BodyHandlers.ofString()));
                Eventually.await("two requests waiting", Duration.ofSeconds(5), () -> endpoint.waitingRequests() == 2);
                // Answered while both held their places, so without waiting (a wait would have outlasted theirs).
                HttpResponse<String> third = get(waitASecond);
                if (endpoint.waitingRequests() == 2 && System.nanoTime() - sent < Duration.ofMillis(700).toNanos()) {
                    long drained = System.nanoTime();
                    state.set(new ServingState(false, "draining: the node is stopping"));
                    for (CompletableFuture<HttpResponse<String>> answer : waiting) {
                        HttpResponse<String> response = answer.get(5, TimeUnit.SECONDS);
                        long millis = (System.nanoTime() - drained) / 1_000_000;
                        assertEquals(503, response.statusCode());
                        assertTrue(response.body().startsWith("draining"), response.body());
                        assertTrue(millis < 500, "the waiting request saw the drain after " + millis + " ms");
                    }
                    assertEquals(200, third.statusCode(), "the third request is answered with the state at once");
                    return;
                }
                for (CompletableFuture<HttpResponse<String>> answer : waiting) {
                    answer.get(5, TimeUnit.SECONDS);
                }
                assertTrue(round < 5, "two requests never stayed waiting through a round");
            }
        }
    }

    @Test
    void aHealthQueryOtherThanOneBoundedWaitIsRefused() throws Exception {
        try (HealthEndpoint endpoint = new HealthEndpoint(new InetSocketAddress("127.0.0.1", 0),
                fixture.runtime::servingState)) {
            String base = "http://127.0.0.1:" + endpoint.address().getPort() + "/health";
            for (String query : List.of("wait=2s", "wait=1001ms", "wait=-1s", "wait=1", "wait=", "wait=0.5s",
                    "wait=99999999999999999999ms", "wait=800ms&wait=1s", "dryRun=1", "wait=800ms&x=1")) {
                HttpResponse<String> answer = get(URI.create(base + "?" + query));
                assertEquals(400, answer.statusCode(), query);
                assertTrue(answer.body().contains("wait=DURATION (0ms..1s"), answer.body());
            }
            assertEquals(503, get(URI.create(base + "?wait=0ms")).statusCode());
        }
    }

    @Test
    void silentClientsDoNotKeepTheTrackScriptFromAnAnswer() throws Exception {
        try (HealthEndpoint endpoint = new HealthEndpoint(new InetSocketAddress("127.0.0.1", 0),
                fixture.runtime::servingState)) {
            List<java.net.Socket> silent = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    silent.add(new java.net.Socket("127.0.0.1", endpoint.address().getPort()));
                }
                long started = System.nanoTime();
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + endpoint.address().getPort() + "/health")).timeout(java.time.Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertEquals(503, answer.statusCode());
                assertTrue(millis < 3000, "answered after " + millis + " ms beside 8 silent clients");
            } finally {
                for (java.net.Socket socket : silent) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void anAddressTheHostDoesNotHoldYetIsBoundForTcpAndUdp() throws Exception {
        int port = FreePorts.next();
        fixture.apply(1,
                service("standby-tcp", NOT_HELD, port, realServer("rs", "127.0.0.21", 80)),
                TestConfigs.udp("standby-udp", ip(NOT_HELD), List.of(port), List.of(realServer("rs", "127.0.0.21", 0)))
                        .withHealthCheck(TestConfigs.connectCheck().withType(HealthCheckType.NONE)));
        assertTrue(fixture.runtime.servingState().serving(), fixture.runtime.servingState().reason());
        assertEquals(List.of(), fixture.runtime.status().heldAddresses(), "bound, but the host does not hold it");
    }

    @Test
    void theReportNamesTheAddressesTheHostHolds() throws Exception {
        fixture.apply(1,
                service("held", "127.0.0.1", FreePorts.next(), realServer("rs", "127.0.0.21", 80)),
                service("elsewhere", NOT_HELD, FreePorts.next(), realServer("rs", "127.0.0.21", 80)));
        assertEquals(List.of("127.0.0.1"), fixture.runtime.status().heldAddresses());
    }

    /** GET whose answer must take at least {@code minMillis} and less than {@code maxMillis}. */
    private HttpResponse<String> timed(URI uri, long minMillis, long maxMillis) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> response = get(uri);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis >= minMillis && millis < maxMillis, uri + " answered after " + millis + " ms");
        return response;
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
