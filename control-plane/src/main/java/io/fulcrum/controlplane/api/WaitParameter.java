package io.fulcrum.controlplane.api;

import io.fulcrum.controlplane.validation.Durations;
import java.time.Duration;

/** The {@code ?wait=} query parameter of writes, checked before anything is written. */
public final class WaitParameter {

    private static final long MAX_MILLIS = 60_000;

    private WaitParameter() {
    }

    /** Null when absent; 400 when not a duration up to 60s. */
    public static Duration parse(String text) {
        if (text == null) {
            return null;
        }
        long millis = Durations.parseMillis(text);
        if (millis <= 0 || millis > MAX_MILLIS) {
            throw ProblemException.badRequest("wait", "wait: " + text + " (expected <int>(ms|s|m) from 1ms to 60s)");
        }
        return Duration.ofMillis(millis);
    }
}
