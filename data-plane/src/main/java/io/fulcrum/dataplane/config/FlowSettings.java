package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a UDP virtual service keeps its flows (one per client address and port).
 *
 * @param idleTimeout a flow ends after this long without a datagram in either direction
 * @param maxFlows    the most live flows; datagrams that would open one more are dropped
 */
public record FlowSettings(Duration idleTimeout, int maxFlows) {
    public FlowSettings {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxFlows < 1) {
            throw new IllegalArgumentException("maxFlows: " + maxFlows + " (expected 1..)");
        }
    }

    public FlowSettings withIdle(Duration newIdleTimeout) {
        return new FlowSettings(newIdleTimeout, maxFlows);
    }
}
