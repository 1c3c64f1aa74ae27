package io.fulcrum.controlplane.security;

import io.fulcrum.controlplane.domain.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tokens this instance checked against the database lately, by the hash of their secret, so
 * that while the database cannot be reached the operator's view (/api/v1/nodes, /api/v1/overview,
 * served from memory) still opens to a token that was live a moment ago. Never consulted while the
 * database answers; an entry serves for at most {@link #TRUSTED_FOR} after its last check and never
 * past the token's expiry. A revocation needs the database, so none can be missed meanwhile except
 * one made on another instance after this one's last check; one made here forgets the token at once.
 */
final class RecentTokens {

    static final Duration TRUSTED_FOR = Duration.ofMinutes(15);

    private record Check(ApiTokens.Holder holder, Instant expiresAt, Instant checkedAt) {
    }

    // Least recently used first; at most as many as there may be tokens.
    private final Map<String, Check> entries = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Check> eldest) {
            return size() > Limits.TOKENS;
        }
    };

    synchronized void checked(String hash, ApiTokens.Holder holder, Instant expiresAt, Instant now) {
        entries.put(hash, new Check(holder, expiresAt, now));
    }

    synchronized void refused(String hash) {
        entries.remove(hash);
    }

    /** A token revoked (or a secret replaced) here is never trusted from memory again. */
    synchronized void forget(String name) {
        entries.values().removeIf(entry -> entry.holder().name().equals(name));
    }

    /** The holder a recent check found for this hash, if it may still be trusted at {@code now}. */
    synchronized Optional<ApiTokens.Holder> whileDatabaseIsDown(String hash, Instant now) {
        Check entry = entries.get(hash);
        if (entry == null || entry.checkedAt().plus(TRUSTED_FOR).isBefore(now)
                || (entry.expiresAt() != null && !entry.expiresAt().isAfter(now))) {
            return Optional.empty();
        }
        return Optional.of(entry.holder());
    }
}
