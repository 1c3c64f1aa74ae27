package io.fulcrum.controlplane.security;

import io.fulcrum.controlplane.api.ProblemException;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import io.fulcrum.controlplane.api.DatabaseAvailability;
import io.fulcrum.controlplane.api.ServedFromMemory;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Authenticates every /api request and checks the role its operation needs ({@link RequiresRole}):
 * 429 while the client address is throttled, 401 with a Bearer challenge without a live token,
 * 403 when the token's role is too weak. A bearer that is a JWT goes to single sign-on
 * ({@link OidcTokens}) when an issuer is configured; anything else must be an API token. Runs after ApiGate, on the request's worker thread, since
 * a token check reads the database.
 */
@Provider
@Priority(Priorities.AUTHENTICATION)
public class AuthenticationFilter implements ContainerRequestFilter {

    @Context
    ResourceInfo resource;
    @Context
    HttpServerRequest http;
    @Inject
    ApiTokens tokens;
    @Inject
    Caller caller;
    @Inject
    FailedAuthentications failures;
    @Inject
    OidcTokens oidc;
    @Inject
    DatabaseAvailability database;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        RequiresRole required = resource.getResourceMethod().getAnnotation(RequiresRole.class);
        // An operation that forgot to say fails closed: admin only.
        Role needed = required == null ? Role.ADMIN : required.value();
        String address = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        long now = System.currentTimeMillis();
        OptionalLong wait = failures.retryAfter(address, now);
        if (wait.isPresent()) {
            throw ProblemException.tooManyRequests(wait.getAsLong(), "too many failed authentications from "
                    + address + "; retry in " + wait.getAsLong() + "s");
        }
        ApiTokens.Holder holder = authenticate(request.getHeaders().get("Authorization"), address, now);
        caller.authenticated(holder.name(), holder.role());
        if (!holder.role().includes(needed)) {
            throw ProblemException.forbidden("Authorization", "role " + holder.role().json() + " of " + holder.name()
                    + " may not " + request.getMethod() + " " + request.getUriInfo().getPath() + " (needs "
                    + needed.json() + ")");
        }
        // Known down: 503 at once rather than after the connection pool's wait, except for the views
        // that answer from memory.
        if (!resource.getResourceMethod().isAnnotationPresent(ServedFromMemory.class)) {
            database.require();
        }
    }

    private ApiTokens.Holder authenticate(List<String> headers, String address, long now) {
        if (headers == null || headers.isEmpty()) {
            throw ProblemException.unauthorized(null, "Authorization: missing (expected Bearer <token>)");
        }
        String header = headers.get(0);
        Optional<ApiTokens.Holder> holder = Optional.empty();
        if (headers.size() == 1 && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String secret = header.substring(7).trim();
            if (oidc.enabled() && OidcTokens.looksLikeJwt(secret)) {
                return signedIn(secret, address, now);
            }
            holder = TokenSecrets.wellFormed(secret) ? tokens.authenticate(secret) : Optional.empty();
        }
        if (holder.isEmpty()) {
            failures.failed(address, now);
            throw ProblemException.unauthorized("invalid_token",
                    "Authorization: not a live token (unknown, revoked or expired, or not Bearer <token>)");
        }
        return holder.get();
    }

    private ApiTokens.Holder signedIn(String jwt, String address, long now) {
        OidcTokens.User user;
        try {
            user = oidc.authenticate(jwt);
        } catch (OidcTokens.Refused refused) {
            failures.failed(address, now);
            throw ProblemException.unauthorized("invalid_token", "Authorization: " + refused.getMessage());
        }
        if (user.role().isEmpty()) {
            throw ProblemException.forbidden("Authorization", user.name() + " has no Fulcrum role (viewer, operator"
                    + " or admin) in the token's " + oidc.roleClaim() + " claim");
        }
        return new ApiTokens.Holder(user.name(), user.role().get());
    }
}
