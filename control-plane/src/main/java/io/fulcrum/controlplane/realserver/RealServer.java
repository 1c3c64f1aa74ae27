package io.fulcrum.controlplane.realserver;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fulcrum.controlplane.config.Versioned;
import io.fulcrum.controlplane.domain.AdminState;

/**
 * The desired configuration of one real server of a virtual service, defaults filled in. A null
 * port means port following: the real server receives the port the client connected to.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"label", "address", "port", "weight", "minConnections", "maxConnections", "state", "version"})
public record RealServer(String label, String address, Integer port, int weight, int minConnections,
        int maxConnections, AdminState state, Long version) implements Versioned {

    public RealServer withVersion(Long newVersion) {
        return new RealServer(label, address, port, weight, minConnections, maxConnections, state, newVersion);
    }

    public boolean sameConfiguration(RealServer other) {
        return withVersion(null).equals(other.withVersion(null));
    }
}
