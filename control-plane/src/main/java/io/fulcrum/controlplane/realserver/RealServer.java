package io.fulcrum.controlplane.realserver;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fulcrum.controlplane.config.Versioned;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.util.List;

/**
 * The desired configuration of one real server of a virtual service, defaults filled in. A null
 * port means port following: the real server receives the port the client connected to.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"label", "address", "port", "weight", "minConnections", "maxConnections", "state", "version"})
public record RealServer(
        @Schema(pattern = "[A-Za-z0-9_.-]{1,64}", examples = "RAS_Server1") String label,
        @Schema(description = "IPv4 or IPv6 literal", examples = "127.0.0.21") String address,
        @Schema(description = "null: port following (the port the client connected to)") Integer port,
        @Schema(minimum = "0", maximum = "65535", defaultValue = "100") int weight,
        @Schema(minimum = "0", defaultValue = "0") int minConnections,
        @Schema(minimum = "0", defaultValue = "0", description = "0: unlimited") int maxConnections,
        @Schema(enumeration = {"online", "drain", "halt"}, defaultValue = "online") String state,
        @Schema(readOnly = true, description = "Configuration version that last changed it; also the ETag") Long version)
        implements Versioned {

    public static final List<String> STATES = List.of("online", "drain", "halt");

    public RealServer withVersion(Long newVersion) {
        return new RealServer(label, address, port, weight, minConnections, maxConnections, state, newVersion);
    }

    public boolean sameConfiguration(RealServer other) {
        return withVersion(null).equals(other.withVersion(null));
    }
}
