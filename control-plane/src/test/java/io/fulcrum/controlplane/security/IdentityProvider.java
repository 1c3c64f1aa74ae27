package io.fulcrum.controlplane.security;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.lang.JoseException;

/**
 * An OpenID Connect issuer on loopback for the single sign-on tests: its discovery document and its
 * JWKS (one RSA key, {@link #KEY_ID}). The private key is written to {@link #signingKey()} for the
 * tests to sign with, since they run in another class loader than this resource.
 */
public class IdentityProvider implements QuarkusTestResourceLifecycleManager {

    static final String KEY_ID = "test-key";
    static final String AUDIENCE = "fulcrum";

    private HttpServer server;

    static Path signingKey() {
        return Path.of("target", "oidc-" + ProcessHandle.current().pid(), "signing-key.json").toAbsolutePath();
    }

    static Path issuerFile() {
        return signingKey().resolveSibling("issuer");
    }

    @Override
    public Map<String, String> start() {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(KEY_ID);
            key.setAlgorithm("RS256");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/realms/test";
            String discovery = "{\"issuer\": \"" + issuer + "\", \"jwks_uri\": \"" + issuer + "/protocol/openid-connect/certs\"}";
            String jwks = new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
            serve("/realms/test/.well-known/openid-configuration", discovery);
            serve("/realms/test/protocol/openid-connect/certs", jwks);
            server.start();
            Files.createDirectories(signingKey().getParent());
            Files.writeString(signingKey(), key.toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE));
            Files.writeString(issuerFile(), issuer);
            return Map.of("fulcrum.oidc.issuer", issuer, "fulcrum.oidc.audience", AUDIENCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        server.createContext(path, exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
