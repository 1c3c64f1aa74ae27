package io.fulcrum.dataplane.config;

/** Operator-chosen state of a real server, independent of its observed health. */
public enum AdminState {
    /** Takes new clients. */
    ONLINE,
    /** No new clients; clients that persistence maps to it keep reaching it. */
    DRAIN,
    /** Nothing new at all, health checks paused; live connections finish on their own. */
    HALT
}
