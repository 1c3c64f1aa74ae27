package io.fulcrum.controlplane.config;

/** A resource that carries the configuration version that last changed it (its ETag). */
public interface Versioned {

    Long version();
}
