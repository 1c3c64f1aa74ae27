package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a TCP virtual service allows its clients on this node.
 *
 * @param firstByteTimeout a new client must send its first byte within this; then the client idle timeout applies
 * @param maxConnections   the most live connections; 0: only the node's descriptor share for one service
 */
public record ClientLimits(Duration firstByteTimeout, int maxConnections) {
    public ClientLimits {
        Objects.requireNonNull(firstByteTimeout, "firstByteTimeout");
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected 0..)");
        }
    }
}
