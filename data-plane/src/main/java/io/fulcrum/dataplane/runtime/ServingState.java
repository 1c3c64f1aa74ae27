package io.fulcrum.dataplane.runtime;

/** Whether a node can carry its traffic now, and in words why (or why not). */
public record ServingState(boolean serving, String reason) {
    static ServingState notServing(String reason) {
        return new ServingState(false, reason);
    }
}
