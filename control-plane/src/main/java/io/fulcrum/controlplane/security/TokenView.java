package io.fulcrum.controlplane.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An API token as the API shows it: never its secret, except {@code token} in the one answer that
 * creates it. Times are ISO-8601; expiresAt and revokedAt are null when not set.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "role", "createdAt", "expiresAt", "revokedAt", "token"})
public record TokenView(String name, Role role, String createdAt, String expiresAt, String revokedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String token) {

    TokenView withSecret(String secret) {
        return new TokenView(name, role, createdAt, expiresAt, revokedAt, secret);
    }
}
