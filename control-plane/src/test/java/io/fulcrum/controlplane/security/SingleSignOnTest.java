package io.fulcrum.controlplane.security;

import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.junit.jupiter.api.Test;

/**
 * JWT bearer tokens from the configured OpenID Connect issuer (served on loopback by
 * {@link IdentityProvider}): the role comes from the fulcrum_role claim, the audit names the user,
 * and a token from another issuer, for another audience, expired or badly signed is a 401.
 */
@QuarkusTest
@TestProfile(SingleSignOnTest.WithIssuer.class)
class SingleSignOnTest {

    public static final class WithIssuer implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(IdentityProvider.class));
        }
    }

    @Test
    void anAdminSignedInWritesAndTheAuditNamesTheUser() throws Exception {
        String name = uniqueName("sso");
        String jwt = token(claims -> claims.setClaim("fulcrum_role", "admin"));
        json().header("Authorization", "Bearer " + jwt).body(virtualService(name, uniqueAddress(), 80))
                .put(vsPath(name)).then().statusCode(201);
        given().get("/api/v1/audit?limit=1").then().statusCode(200)
                .body("[0].resource", equalTo(vsPath(name)))
                .body("[0].principal", equalTo("oidc:alice"));
    }

    @Test
    void theStrongestRoleOfAListCounts() throws Exception {
        String jwt = token(claims -> claims.setStringListClaim("fulcrum_role", "viewer", "operator", "unrelated"));
        given().header("Authorization", "Bearer " + jwt).get("/api/v1/virtual-services").then().statusCode(200);
        String name = uniqueName("sso-operator");
        json().header("Authorization", "Bearer " + jwt).body(virtualService(name, uniqueAddress(), 80))
                .put(vsPath(name)).then().statusCode(403);
    }

    @Test
    void aViewerReadsAndCannotWrite() throws Exception {
        String jwt = token(claims -> claims.setClaim("fulcrum_role", "viewer"));
        given().header("Authorization", "Bearer " + jwt).get("/api/v1/overview").then().statusCode(200);
        given().header("Authorization", "Bearer " + jwt).delete("/api/v1/tokens/bootstrap").then().statusCode(403);
    }

    @Test
    void aUserWithoutARoleIsForbidden() throws Exception {
        given().header("Authorization", "Bearer " + token(claims -> { })).get("/api/v1/overview").then()
                .statusCode(403).body("detail", containsString("fulcrum_role"));
    }

    @Test
    void aTokenFromAnotherIssuerIsRefused() throws Exception {
        refused(token(claims -> {
            claims.setClaim("fulcrum_role", "admin");
            claims.setIssuer("http://127.0.0.1:1/realms/other");
        }), "issuer");
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() throws Exception {
        refused(token(claims -> {
            claims.setClaim("fulcrum_role", "admin");
            claims.setAudience("another-client");
        }), "audience");
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        refused(token(claims -> {
            claims.setClaim("fulcrum_role", "admin");
            claims.setExpirationTimeMinutesInTheFuture(-5);
        }), "expired");
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        RsaJsonWebKey impostor = RsaJwkGenerator.generateJwk(2048);
        impostor.setKeyId(IdentityProvider.KEY_ID);
        refused(sign(claims(claims -> claims.setClaim("fulcrum_role", "admin")), impostor,
                AlgorithmIdentifiers.RSA_USING_SHA256), "signature");
    }

    @Test
    void anUnsignedTokenIsRefused() throws Exception {
        JsonWebSignature unsigned = new JsonWebSignature();
        unsigned.setPayload(claims(claims -> claims.setClaim("fulcrum_role", "admin")).toJson());
        unsigned.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        unsigned.setAlgorithmConstraints(org.jose4j.jwa.AlgorithmConstraints.NO_CONSTRAINTS);
        // "none" yields an empty third part; give it one character so it is shaped like a JWT at all.
        refused(unsigned.getCompactSerialization() + "A", "the token");
    }

    @Test
    void apiTokensStillWork() {
        given().get("/api/v1/overview").then().statusCode(200);
    }

    private static void refused(String jwt, String reason) {
        given().header("Authorization", "Bearer " + jwt).get("/api/v1/overview").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"))
                .body("detail", containsString(reason));
    }

    private static String token(Consumer<JwtClaims> adjust) throws Exception {
        PublicJsonWebKey key = PublicJsonWebKey.Factory.newPublicJwk(Files.readString(IdentityProvider.signingKey()));
        return sign(claims(adjust), key, AlgorithmIdentifiers.RSA_USING_SHA256);
    }

    private static JwtClaims claims(Consumer<JwtClaims> adjust) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(Files.readString(IdentityProvider.issuerFile()));
        claims.setAudience(IdentityProvider.AUDIENCE);
        claims.setSubject("5f2a9c1e-user-alice");
        claims.setClaim("preferred_username", "alice");
        claims.setIssuedAt(NumericDate.now());
        claims.setExpirationTimeMinutesInTheFuture(10);
        adjust.accept(claims);
        return claims;
    }

    private static String sign(JwtClaims claims, PublicJsonWebKey key, String algorithm) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(key.getKeyId());
        jws.setAlgorithmHeaderValue(algorithm);
        return jws.getCompactSerialization();
    }
}
