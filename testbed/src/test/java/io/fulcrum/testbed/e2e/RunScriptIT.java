package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import io.fulcrum.testbed.e2e.harness.UdpClient;
import io.fulcrum.testbed.e2e.harness.TrustedCa;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/local/run.sh, the one command that runs Fulcrum: it brings up everything, the RAS example answers on
 * 127.0.0.10:8880 and :8443, and TERM stops every process it started. A second start keeps what was changed
 * through the API (the example loads only into an empty configuration) and the first run's logs. Skipped when the example's fixed
 * addresses are already taken (a local Fulcrum running on this machine).
 */
class RunScriptIT {

    private static final Path SCRIPT = Path.of("..", "deploy", "local", "run.sh").toAbsolutePath().normalize();
    private static final List<String> EXAMPLE_ENDPOINTS = List.of("127.0.0.10:8443", "127.0.0.10:8880",
            "127.0.0.21:8443", "127.0.0.21:8880", "127.0.0.22:8443", "127.0.0.22:8880");

    @TempDir
    Path home;

    @Test
    void runScriptServesTheExampleStopsEverythingOnTermAndKeepsChangesAcrossStarts() throws Exception {
        assumeTrue(EXAMPLE_ENDPOINTS.stream().noneMatch(RunScriptIT::listening), "example addresses in use; skipped");
        assertTrue(Files.isRegularFile(Path.of(System.getProperty("fulcrum.controlPlane.jar")))
                && Files.isRegularFile(Path.of(System.getProperty("fulcrum.dataPlane.jar"))),
                "package the planes first, so run.sh does not build");
        int httpPort = FreePorts.on("127.0.0.1");
        int httpsPort = FreePorts.on("127.0.0.1");
        int managementPort = FreePorts.on("127.0.0.1");
        int nodeHealthPort = FreePorts.on("127.0.0.1");
        Map<String, String> env = Map.of(
                "FULCRUM_HOME", home.toString(),
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "QUARKUS_HTTP_SSL_PORT", Integer.toString(httpsPort),
                "QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort),
                "QUARKUS_GRPC_SERVER_PORT", Integer.toString(FreePorts.on("127.0.0.1")),
                "FULCRUM_PG_PORT", Integer.toString(FreePorts.on("127.0.0.1")),
                "FULCRUM_NODE_HEALTH_PORT", Integer.toString(nodeHealthPort));

        List<ProcessHandle> started;
        try (ManagedProcess run = ManagedProcess.start("run.sh", List.of("bash", SCRIPT.toString()), env,
                Path.of("target", "e2e", "run-script.log").toAbsolutePath())) {
            run.awaitOutput("Ctrl-C stops everything.", Duration.ofSeconds(240));
            started = ProcessHandle.of(run.pid()).orElseThrow().descendants().toList();

            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int port : new int[] {8880, 8443}) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.10:" + port + "/"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertTrue(response.body().matches("RAS_Server[12] 127\\.0\\.0\\.2[12]:" + port + "\n"), response.body());
            }
            // RAS-SG-UDP shares 127.0.0.10:8443 with RAS-SG-HTTPS: same address and port, other protocol.
            String udpAnswer = UdpClient.askOnce("127.0.0.78", new InetSocketAddress("127.0.0.10", 8443));
            assertTrue(udpAnswer.matches("RAS_Server[12]"), udpAnswer);
            assertTrue(run.output().contains("nodes node-1 applied configuration version"), run.output());

            // The README's curl commands: the token run.sh made, readable by this user only, opens the API.
            Path tokenFile = home.resolve("admin.token");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(tokenFile)));
            URI overview = URI.create("http://127.0.0.1:" + httpPort + "/api/v1/overview");
            assertEquals(401, http.send(HttpRequest.newBuilder(overview).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(overview)
                    .header("Authorization", "Bearer " + Files.readString(tokenFile).trim()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());

            // HTTPS with the local CA, as the summary's curl --cacert shows; health and metrics without a token.
            Path pki = home.resolve("pki");
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(pki.resolve("ca.key"))));
            assertEquals(200, TrustedCa.httpClient(pki.resolve("ca.crt")).send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + httpsPort + "/api/v1/virtual-services"))
                    .header("Authorization", "Bearer " + Files.readString(tokenFile).trim()).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                    + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            // The node's own port: health for keepalived, metrics for Prometheus.
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodeHealthPort + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertTrue(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodeHealthPort + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().contains("fulcrum_virtual_service_connections_total{virtual_service=\"RAS-Web-HTTP\"}"));
            // The node reached the control plane over mutual TLS, under the id of its certificate.
            String controlPlaneLog = Files.readString(home.resolve("logs").resolve("control-plane.log"));
            assertTrue(controlPlaneLog.contains("nodes connect with mutual TLS")
                    && controlPlaneLog.contains("Node node-1 connected"), controlPlaneLog);

            // A change made through the API, which the next start must keep.
            HttpResponse<String> drained = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                            + "/api/v1/virtual-services/RAS-Web-HTTP/real-servers/RAS_Server1"))
                    .header("Authorization", "Bearer " + Files.readString(tokenFile).trim())
                    .header("Content-Type", "application/merge-patch+json")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"state\":\"drain\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, drained.statusCode(), drained.body());

            run.close();
            assertFalse(run.isAlive(), "run.sh exits on TERM");
            assertTrue(run.output().contains("stopping postgres"), run.tail(20));
        }
        assertEverythingStopped(started);

        // The second start keeps the database's configuration (the example goes only into an empty
        // one) and the first run's logs (as .log.1).
        try (ManagedProcess again = ManagedProcess.start("run.sh", List.of("bash", SCRIPT.toString()), env,
                Path.of("target", "e2e", "run-script.log").toAbsolutePath())) {
            again.awaitOutput("Ctrl-C stops everything.", Duration.ofSeconds(150));
            started = ProcessHandle.of(again.pid()).orElseThrow().descendants().toList();
            assertTrue(again.output().contains("keeping the configuration in the database"), again.tail(40));
            HttpResponse<String> server = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + httpPort + "/api/v1/virtual-services/RAS-Web-HTTP/real-servers/RAS_Server1"))
                    .header("Authorization", "Bearer " + Files.readString(home.resolve("admin.token")).trim()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, server.statusCode(), server.body());
            assertTrue(server.body().contains("\"state\":\"drain\""), "the drain survived the restart: " + server.body());
            assertTrue(Files.readString(home.resolve("logs").resolve("control-plane.log.1")).contains("Node node-1 connected"),
                    "the first run's control-plane log kept");
            again.close();
        }
        assertEverythingStopped(started);
    }

    private static void assertEverythingStopped(List<ProcessHandle> started) {
        for (ProcessHandle child : started) {
            assertFalse(child.isAlive(),
                    "run.sh left " + child.pid() + " " + child.info().commandLine().orElse("") + " running");
        }
        assertFalse(EXAMPLE_ENDPOINTS.stream().anyMatch(RunScriptIT::listening), "example listeners closed");
    }

    private static boolean listening(String endpoint) {
        String[] parts = endpoint.split(":");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
