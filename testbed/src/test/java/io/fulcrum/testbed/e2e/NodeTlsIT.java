package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import io.fulcrum.testbed.e2e.harness.TrustedCa;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both planes with the certificates deploy/local/pki.sh makes: a node with a certificate from the control
 * plane's CA is served over mutual TLS; restarted with a certificate from another CA it is refused, and
 * keeps forwarding client traffic with the configuration it cached.
 */
class NodeTlsIT {

    private static final String NODE = "tls-node";
    private static final String SERVICE = "Tls";
    private static final Path PKI_SCRIPT = Path.of("..", "deploy", "local", "pki.sh").toAbsolutePath().normalize();

    @Test
    void aNodeWhoseCertificateIsRefusedKeepsServingItsLastGoodConfiguration() throws Exception {
        Path work = Path.of("target", "e2e", "tls-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        Path pki = pki(work.resolve("pki"));
        Path otherPki = pki(work.resolve("other-pki"));
        Path controlPlaneJar = Path.of(System.getProperty("fulcrum.controlPlane.jar"));
        Path dataPlaneJar = Path.of(System.getProperty("fulcrum.dataPlane.jar"));

        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess controlPlane = ControlPlaneProcess.start(controlPlaneJar, database, work,
                     ControlPlaneProcess.tlsSettings(pki));
             NameServer server = NameServer.start("tls", "127.0.0.39")) {
            FulcrumApi api = controlPlane.api();
            NodeSync sync = new NodeSync(api);
            int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
            InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);

            DataPlaneNode node = DataPlaneNode.start(dataPlaneJar, NODE, controlPlane.grpcTarget(), work, tlsFlags(pki));
            try {
                api.put(FulcrumApi.virtualService(SERVICE), Specs.virtualService(SERVICE, port, "weighted-round-robin"))
                        .requireSuccess();
                long version = api.put(FulcrumApi.realServer(SERVICE, "tls"), Specs.realServer(server, 100))
                        .requireSuccess().requireConfigVersion();
                sync.awaitApplied(List.of(NODE), version, Duration.ofSeconds(30));
                askMany(target, "served over mutual TLS");
            } finally {
                node.close();
            }

            // Same node id and state directory, but a certificate the control plane's CA did not sign.
            DataPlaneNode refused = DataPlaneNode.start(dataPlaneJar, NODE, controlPlane.grpcTarget(), work,
                    tlsFlags(otherPki, pki.resolve("ca.crt")));
            try {
                Poll.until("the refused node to serve its cached snapshot", Duration.ofSeconds(15),
                        () -> LineClient.askQuietly("127.0.0.100", target) != null);
                Poll.until("the node to log the refused handshake", Duration.ofSeconds(30),
                        () -> refused.process().output().contains("CERTIFICATE_UNKNOWN"));
                // Several more attempts (one every 1.5 s at most), each refused, while clients are served.
                long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (System.nanoTime() < until) {
                    askMany(target, "certificate refused, serving the cached configuration");
                    assertFalse(sync.node(NODE).path("connected").asBoolean(true), sync.node(NODE).toString());
                }
                assertEquals(1, refused.process().linesContaining("control plane stream to "),
                        "one line for the outage, not one per attempt");
                assertTrue(controlPlane.process().isAlive());
            } finally {
                refused.close();
            }

            // The REST API answers over HTTPS with the same certificate, for clients that trust the CA.
            HttpResponse<String> overHttps = TrustedCa.httpClient(pki.resolve("ca.crt")).send(HttpRequest.newBuilder(
                    URI.create(controlPlane.httpsBase() + "/api/v1/virtual-services/" + SERVICE))
                    .header("Authorization", "Bearer " + ControlPlaneProcess.ADMIN_TOKEN).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, overHttps.statusCode(), overHttps.body());
        }
    }

    private static List<String> tlsFlags(Path pki) {
        return tlsFlags(pki, pki.resolve("ca.crt"));
    }

    private static List<String> tlsFlags(Path pki, Path trustedCa) {
        return List.of("--tls-ca", trustedCa.toString(),
                "--tls-cert", pki.resolve("nodes").resolve(NODE + ".crt").toString(),
                "--tls-key", pki.resolve("nodes").resolve(NODE + ".key").toString());
    }

    private static Path pki(Path dir) throws IOException, InterruptedException {
        Process script = new ProcessBuilder("bash", PKI_SCRIPT.toString(), dir.toString(), NODE)
                .redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes());
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "pki.sh did not finish");
        assertEquals(0, script.exitValue(), output);
        return dir;
    }

    private static void askMany(InetSocketAddress target, String phase) throws IOException {
        for (int i = 0; i < 20; i++) {
            assertEquals("tls", LineClient.askOnce("127.0.0." + (100 + i), target), phase);
        }
    }
}
