package io.fulcrum.dataplane.config;

/** How a virtual service picks a real server for a new client. */
public enum Algorithm {
    WEIGHTED_LEAST_CONNECTIONS,
    WEIGHTED_ROUND_ROBIN,
    SOURCE_HASH
}
