package io.fulcrum.controlplane.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.restassured.RestAssured.given;

import io.fulcrum.controlplane.Poll;
import io.fulcrum.controlplane.contract.TestCredentials;
import io.fulcrum.controlplane.sync.NodeClient;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The control plane with a node CA: HTTPS on the REST API, and a gRPC port that takes only nodes with
 * a certificate from that CA, each under the id its certificate names.
 */
@QuarkusTest
@TestProfile(MutualTlsTest.WithNodeCa.class)
class MutualTlsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** The certificates of this test run, made once per JVM (the profile may be read more than once). */
    public static final class WithNodeCa implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = Pki.dir();
            return Map.of(
                    "fulcrum.tls.node-ca", dir.resolve("node-ca.crt").toString(),
                    "fulcrum.tls.certificate", dir.resolve("control-plane.crt").toString(),
                    "fulcrum.tls.key", dir.resolve("control-plane.key").toString());
        }
    }

    static final class Pki {
        static synchronized Path dir() {
            Path dir = Path.of("target", "mutual-tls-" + ProcessHandle.current().pid()).toAbsolutePath();
            if (!Files.exists(dir.resolve("done"))) {
                TestPki nodeCa = TestPki.create(dir, "node-ca");
                nodeCa.server("control-plane");
                nodeCa.node("node-a");
                nodeCa.expiredNode("node-a");
                nodeCa.serverOnly("node-a");
                TestPki.create(dir, "other-ca").node("other-node-a");
                try {
                    Files.writeString(dir.resolve("done"), "");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return dir;
        }
    }

    @TestHTTPResource(value = "/api/v1/virtual-services", tls = true)
    URL https;

    @Test
    void aNodeWithACertificateFromTheCaIsServedUnderItsOwnId() throws Exception {
        try (NodeClient node = NodeClient.connectWith(credentials("node-a"), "node-a")) {
            Poll.until("node-a listed as connected", TIMEOUT, () -> given().get("/api/v1/nodes").then().statusCode(200)
                    .extract().jsonPath().getList("findAll { it.id == 'node-a' && it.connected }").size() == 1);
            assertEquals(false, node.closed.isDone());
        }
    }

    @Test
    void aNodeCannotClaimTheIdOfAnother() throws Exception {
        try (NodeClient node = NodeClient.connectWith(credentials("node-a"), "node-b")) {
            Status status = node.closed.get(10, TimeUnit.SECONDS);
            assertEquals(Status.Code.PERMISSION_DENIED, status.getCode(), status.toString());
            assertTrue(status.getDescription().contains("names node node-a, not node-b"), status.getDescription());
        }
    }

    @Test
    void withoutACertificateTheHandshakeFails() throws Exception {
        refused(TlsChannelCredentials.newBuilder().trustManager(file("node-ca.crt")).build());
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        refused(credentials("other-node-a"));
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        refused(credentials("node-a-expired"));
    }

    @Test
    void aCertificateForServersOnlyIsRefusedAsAClient() throws Exception {
        refused(credentials("node-a-server-only"));
    }

    @Test
    void plainTextIsRefused() throws Exception {
        refused(InsecureChannelCredentials.create());
    }

    @Test
    void theRestApiAnswersOverHttpsWithTheSameCertificate() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(file("node-ca.crt").toPath())).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(https.toURI())
                .header("Authorization", "Bearer " + TestCredentials.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void anHttpsClientThatDoesNotTrustTheCaFailsItsHandshake() {
        HttpClient client = HttpClient.newBuilder().sslContext(trusting(file("other-ca.crt").toPath())).build();
        URI uri = URI.create(https.toString());
        try {
            client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            throw new AssertionError("a certificate from node-ca was trusted by a client of other-ca");
        } catch (SSLHandshakeException expected) {
            // the certificate chain does not lead to other-ca
        } catch (IOException | InterruptedException e) {
            assertTrue(e.getCause() instanceof SSLHandshakeException, e.toString());
        }
    }

    private static void refused(ChannelCredentials credentials) throws Exception {
        try (NodeClient node = NodeClient.connectWith(credentials, "node-a")) {
            Status status = node.closed.get(10, TimeUnit.SECONDS);
            assertNotEquals(Status.Code.OK, status.getCode());
            assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
        }
    }

    private static ChannelCredentials credentials(String name) throws IOException {
        return TlsChannelCredentials.newBuilder()
                .trustManager(file("node-ca.crt"))
                .keyManager(file(name + ".crt"), file(name + ".key"))
                .build();
    }

    private static java.io.File file(String name) {
        return Pki.dir().resolve(name).toFile();
    }

    private static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
