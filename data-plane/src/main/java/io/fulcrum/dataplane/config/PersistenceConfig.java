package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/** Source-IP persistence settings of a virtual service. */
public record PersistenceConfig(PersistenceMode mode, Duration timeout) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(6);

    public PersistenceConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
    }

    public static PersistenceConfig none() {
        return new PersistenceConfig(PersistenceMode.NONE, DEFAULT_TIMEOUT);
    }

    public boolean enabled() {
        return mode == PersistenceMode.SOURCE_IP;
    }
}
