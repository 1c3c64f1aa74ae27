package io.fulcrum.controlplane.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jose4j.http.Get;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;

/**
 * Single sign-on: JWT bearer tokens from one OpenID Connect issuer (FULCRUM_OIDC_ISSUER), for one
 * audience (FULCRUM_OIDC_AUDIENCE), signed with a key from the issuer's JWKS (found through its
 * discovery document unless FULCRUM_OIDC_JWKS_URI names it). The role is the strongest Fulcrum
 * role named by the role claim (a string or a list of strings); the audit names the user as
 * {@code oidc:<user claim>}. Only asymmetric signatures are accepted, never {@code none} or HMAC.
 */
@ApplicationScoped
public class OidcTokens {

    private static final Logger LOG = Logger.getLogger(OidcTokens.class);
    /** Three base64url parts; headers and claims larger than this are no token we issue or accept. */
    private static final Pattern JWT_SHAPE = Pattern.compile("[A-Za-z0-9_-]{1,8192}\\.[A-Za-z0-9_-]{1,8192}\\.[A-Za-z0-9_-]{1,8192}");
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(5);
    private static final int DISCOVERY_BYTES = 256 * 1024;
    private static final int CLOCK_SKEW_SECONDS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "fulcrum.oidc.issuer")
    Optional<String> issuer;
    @ConfigProperty(name = "fulcrum.oidc.audience")
    Optional<String> audience;
    @ConfigProperty(name = "fulcrum.oidc.jwks-uri")
    Optional<String> jwksUri;
    @ConfigProperty(name = "fulcrum.oidc.role-claim", defaultValue = "fulcrum_role")
    String roleClaim;
    @ConfigProperty(name = "fulcrum.oidc.user-claim", defaultValue = "preferred_username")
    String userClaim;

    private volatile JwtConsumer consumer;
    /** When discovery last failed (nanoTime); it is retried at most every DISCOVERY_RETRY. */
    private long discoveryFailedAt;
    private String discoveryFailure;
    private static final Duration DISCOVERY_RETRY = Duration.ofSeconds(10);

    /** A signed-in user: the audit name and the role the token's claim gives, if any. */
    public record User(String name, Optional<Role> role) { }

    /** Why a JWT was not accepted, in words a client can act on. */
    public static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    void onStart(@Observes StartupEvent event) {
        if (issuer.isEmpty()) {
            return;
        }
        if (audience.isEmpty()) {
            throw new IllegalStateException("FULCRUM_OIDC_ISSUER needs FULCRUM_OIDC_AUDIENCE (the client id tokens are issued for)");
        }
        LOG.infof("single sign-on: JWTs from %s for audience %s, role from claim %s", issuer.get(), audience.get(), roleClaim);
    }

    public boolean enabled() {
        return issuer.isPresent();
    }

    public static boolean looksLikeJwt(String bearer) {
        return JWT_SHAPE.matcher(bearer).matches();
    }

    public User authenticate(String jwt) throws Refused {
        JwtClaims claims;
        try {
            claims = consumer().processToClaims(jwt);
        } catch (InvalidJwtException e) {
            throw new Refused(reason(e));
        }
        return new User("oidc:" + user(claims), role(claims));
    }

    private String user(JwtClaims claims) throws Refused {
        try {
            Object named = claims.getClaimValue(userClaim);
            String user = named instanceof String text && !text.isBlank() ? text : claims.getSubject();
            if (user == null || user.isBlank()) {
                throw new Refused("the token names no user (" + userClaim + " or sub)");
            }
            return io.fulcrum.controlplane.api.ApiGate.shown(user);
        } catch (MalformedClaimException e) {
            throw new Refused("the token's sub is not a string");
        }
    }

    private Optional<Role> role(JwtClaims claims) {
        Object value = claims.getClaimValue(roleClaim);
        List<?> names = value instanceof List<?> list ? list : value == null ? List.of() : List.of(value);
        Role strongest = null;
        for (Object name : names) {
            for (Role role : Role.values()) {
                if (role.json().equals(name) && (strongest == null || role.includes(strongest))) {
                    strongest = role;
                }
            }
        }
        return Optional.ofNullable(strongest);
    }

    public String roleClaim() {
        return roleClaim;
    }

    private static String reason(InvalidJwtException e) {
        if (e.hasExpired()) {
            return "the token has expired";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "the token is not from the configured issuer";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "the token is not for this audience";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return "the token's signature does not verify with the issuer's keys";
        }
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof org.jose4j.lang.UnresolvableKeyException) {
                return "the token's signature key is not among the issuer's keys";
            }
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID) || e.hasErrorCode(ErrorCodes.ISSUED_AT_INVALID_FUTURE)) {
            return "the token is not valid yet";
        }
        return "the token is not a valid JWT of the issuer";
    }

    private JwtConsumer consumer() throws Refused {
        JwtConsumer built = consumer;
        if (built != null) {
            return built;
        }
        synchronized (this) {
            if (consumer == null) {
                if (discoveryFailure != null && System.nanoTime() - discoveryFailedAt < DISCOVERY_RETRY.toNanos()) {
                    throw new Refused("the issuer's keys are unavailable (" + discoveryFailure + ")");
                }
                try {
                    consumer = build();
                    discoveryFailure = null;
                } catch (IllegalStateException e) {
                    discoveryFailedAt = System.nanoTime();
                    discoveryFailure = e.getMessage();
                    LOG.warnf("single sign-on: %s; retrying in at most %ds", e.getMessage(), DISCOVERY_RETRY.toSeconds());
                    throw new Refused("the issuer's keys are unavailable (" + discoveryFailure + ")");
                }
            }
            return consumer;
        }
    }

    private JwtConsumer build() {
        HttpsJwks keys = new HttpsJwks(jwksUri.orElseGet(this::discoverJwksUri));
        Get get = new Get();
        get.setConnectTimeout((int) FETCH_TIMEOUT.toMillis());
        get.setReadTimeout((int) FETCH_TIMEOUT.toMillis());
        get.setResponseBodySizeLimit(DISCOVERY_BYTES);
        keys.setSimpleHttpGet(get);
        return new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setExpectedIssuer(issuer.get())
                .setExpectedAudience(audience.get())
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(keys))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256, AlgorithmIdentifiers.RSA_USING_SHA384,
                        AlgorithmIdentifiers.RSA_USING_SHA512, AlgorithmIdentifiers.RSA_PSS_USING_SHA256,
                        AlgorithmIdentifiers.RSA_PSS_USING_SHA384, AlgorithmIdentifiers.RSA_PSS_USING_SHA512,
                        AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                        AlgorithmIdentifiers.ECDSA_USING_P384_CURVE_AND_SHA384,
                        AlgorithmIdentifiers.ECDSA_USING_P521_CURVE_AND_SHA512)
                .build();
    }

    /** The jwks_uri of the issuer's discovery document, whose issuer must be exactly the configured one. */
    private String discoverJwksUri() {
        String location = issuer.get().replaceFirst("/$", "") + "/.well-known/openid-configuration";
        try {
            HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).build()
                    .send(HttpRequest.newBuilder(URI.create(location)).timeout(FETCH_TIMEOUT).build(),
                            HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(DISCOVERY_BYTES + 1);
            }
            if (response.statusCode() != 200 || body.length > DISCOVERY_BYTES) {
                throw new IllegalStateException(location + " answered " + response.statusCode());
            }
            JsonNode document = JSON.readTree(body);
            if (!issuer.get().equals(document.path("issuer").asText())) {
                throw new IllegalStateException(location + " names issuer " + document.path("issuer").asText());
            }
            String uri = document.path("jwks_uri").asText("");
            if (uri.isEmpty()) {
                throw new IllegalStateException(location + " names no jwks_uri");
            }
            return uri;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read " + location + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + location, e);
        }
    }
}
