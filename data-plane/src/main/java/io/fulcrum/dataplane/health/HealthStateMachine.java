package io.fulcrum.dataplane.health;

import java.util.Optional;

/**
 * Turns a stream of check results into health transitions: the first result decides, then
 * {@code fall} consecutive failures take an up server down and {@code rise} consecutive successes
 * bring a down server up. Not thread-safe: one checker feeds it, never concurrently.
 */
public final class HealthStateMachine {
    private Health health = Health.UNKNOWN;
    private int consecutiveSuccesses;
    private int consecutiveFailures;

    public Health health() {
        return health;
    }

    /** Records one check result; returns a transition only when the health changed. */
    public Optional<HealthTransition> record(boolean success, String detail, int rise, int fall, long nowMillis) {
        if (success) {
            consecutiveSuccesses++;
            consecutiveFailures = 0;
        } else {
            consecutiveFailures++;
            consecutiveSuccesses = 0;
        }
        Health next = next(success, Math.max(1, rise), Math.max(1, fall));
        if (next == health) {
            return Optional.empty();
        }
        String reason = reason(success, detail);
        HealthTransition transition = new HealthTransition(health, next, reason, nowMillis);
        health = next;
        return Optional.of(transition);
    }

    /** Forces a health without a check (e.g. "not checked"); returns the transition if it changed. */
    public Optional<HealthTransition> force(Health forced, String reason, long nowMillis) {
        consecutiveSuccesses = 0;
        consecutiveFailures = 0;
        if (forced == health) {
            return Optional.empty();
        }
        HealthTransition transition = new HealthTransition(health, forced, reason, nowMillis);
        health = forced;
        return Optional.of(transition);
    }

    private Health next(boolean success, int rise, int fall) {
        return switch (health) {
            case UNKNOWN -> success ? Health.UP : Health.DOWN;
            case UP -> !success && consecutiveFailures >= fall ? Health.DOWN : Health.UP;
            case DOWN -> success && consecutiveSuccesses >= rise ? Health.UP : Health.DOWN;
        };
    }

    private String reason(boolean success, String detail) {
        if (health == Health.UNKNOWN) {
            return detail;
        }
        if (success) {
            return consecutiveSuccesses + " consecutive successes";
        }
        return consecutiveFailures == 1 ? detail : consecutiveFailures + " consecutive failures: " + detail;
    }
}
