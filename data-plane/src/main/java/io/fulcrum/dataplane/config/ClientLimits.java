package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What a TCP virtual service allows its clients on this node.
 *
 * @param firstByteTimeout a new client must send its first byte within this; then the client idle timeout applies
 * @param maxConnections   the most live connections; 0: only the node's descriptor share for one service
 * @param maxConnectionsPerClient the most live connections of one client address; 0: no limit
 */
public record ClientLimits(Duration firstByteTimeout, int maxConnections, int maxConnectionsPerClient) {
    public ClientLimits {
        Objects.requireNonNull(firstByteTimeout, "firstByteTimeout");
        if (maxConnections < 0 || maxConnectionsPerClient < 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + ", maxConnectionsPerClient: "
                    + maxConnectionsPerClient + " (expected 0..)");
        }
    }
}
