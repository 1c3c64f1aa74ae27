package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Source-IP persistence settings of a virtual service.
 *
 * @param timeout how long an entry lives after its last use; zero (unused) when the mode is NONE
 */
public record PersistenceConfig(PersistenceMode mode, Duration timeout) {
    public PersistenceConfig {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
    }

    public boolean enabled() {
        return mode == PersistenceMode.SOURCE_IP;
    }
}
