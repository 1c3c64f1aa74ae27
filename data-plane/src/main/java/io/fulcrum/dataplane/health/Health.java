package io.fulcrum.dataplane.health;

/** Observed health of a real server, separate from its admin state. */
public enum Health {
    UNKNOWN,
    UP,
    DOWN
}
