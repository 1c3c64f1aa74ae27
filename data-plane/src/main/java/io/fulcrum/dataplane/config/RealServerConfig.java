package io.fulcrum.dataplane.config;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Desired state of one real server.
 *
 * @param port           0 follows the port the client connected to
 * @param maxConnections 0 means unlimited
 */
public record RealServerConfig(
        String label,
        InetAddress address,
        int port,
        int weight,
        int minConnections,
        int maxConnections,
        AdminState state) {

    public RealServerConfig {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(state, "state");
    }

    /** What makes a real server "the same one" across snapshots: its counters and health survive. */
    public RealServerKey key() {
        return new RealServerKey(label, address, port);
    }

    public boolean followsPort() {
        return port == 0;
    }

    public RealServerConfig withWeight(int newWeight) {
        return new RealServerConfig(label, address, port, newWeight, minConnections, maxConnections, state);
    }

    public RealServerConfig withState(AdminState newState) {
        return new RealServerConfig(label, address, port, weight, minConnections, maxConnections, newState);
    }

    public RealServerConfig withLimits(int newMin, int newMax) {
        return new RealServerConfig(label, address, port, weight, newMin, newMax, state);
    }
}
