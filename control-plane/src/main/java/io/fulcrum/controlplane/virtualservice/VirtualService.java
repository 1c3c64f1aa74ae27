package io.fulcrum.controlplane.virtualservice;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fulcrum.controlplane.config.Versioned;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import java.util.List;

/**
 * The desired configuration of one virtual service with every default filled in: what the API
 * returns, what equality of two documents is judged on, and what snapshots are built from.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "address", "ports", "protocol", "layer", "algorithm", "persistence", "healthCheck",
        "fallback", "proxyProtocol", "clientIdleTimeout", "serverIdleTimeout", "connectTimeout", "flowIdleTimeout", "maxFlows", "version"})
public record VirtualService(
        @Schema(pattern = "[A-Za-z0-9_.-]{1,64}", examples = "RAS-SG-HTTPS") String name,
        @Schema(description = "IPv4 or IPv6 literal", examples = "127.0.0.10") String address,
        List<Integer> ports,
        @Schema(enumeration = {"tcp", "udp"}, defaultValue = "tcp") String protocol,
        @Schema(enumeration = {"7", "4"}, defaultValue = "7") int layer,
        @Schema(enumeration = {"weighted-least-connections", "weighted-round-robin", "source-hash"},
                defaultValue = "weighted-least-connections") String algorithm,
        Persistence persistence,
        HealthCheck healthCheck,
        Endpoint fallback,
        boolean proxyProtocol,
        @Schema(description = "Duration such as 30s, 6m, 12h", defaultValue = "12h") String clientIdleTimeout,
        @Schema(description = "Duration such as 30s, 6m, 12h", defaultValue = "12h") String serverIdleTimeout,
        @Schema(description = "Duration such as 500ms, 5s", defaultValue = "5s") String connectTimeout,
        @Schema(description = "udp: a flow (one client address:port) ends after this long without a datagram",
                defaultValue = "5m") String flowIdleTimeout,
        @Schema(description = "udp: most live flows; new flows beyond it are dropped and counted",
                minimum = "1", maximum = "1000000", defaultValue = "10000") int maxFlows,
        @Schema(readOnly = true, description = "Configuration version that last changed it; also the ETag") Long version) implements Versioned {

    public static final List<String> PROTOCOLS = List.of("tcp", "udp");
    public static final List<String> ALGORITHMS =
            List.of("weighted-least-connections", "weighted-round-robin", "source-hash");

    /** Source-IP persistence; timeout is null when the mode is none and none was given. */
    @JsonPropertyOrder({"mode", "timeout"})
    public record Persistence(@Schema(enumeration = {"none", "source-ip"}, defaultValue = "none") String mode,
            @Schema(description = "Duration; 6m by default with source-ip") String timeout) {
        public static final List<String> MODES = List.of("none", "source-ip");
    }

    /** How nodes decide whether a real server is up; path and expectStatus apply to http only. */
    @JsonPropertyOrder({"type", "interval", "timeout", "rise", "fall", "port", "path", "expectStatus"})
    public record HealthCheck(
            @Schema(enumeration = {"connect", "ping", "http", "none"}, defaultValue = "connect") String type,
            @Schema(description = "Duration >= 100ms", defaultValue = "2s") String interval,
            @Schema(description = "Duration <= interval; defaults to the interval") String timeout,
            @Schema(minimum = "1", maximum = "100", defaultValue = "2") int rise,
            @Schema(minimum = "1", maximum = "100", defaultValue = "3") int fall,
            @Schema(description = "null: the real server's port") Integer port,
            @Schema(description = "http only", defaultValue = "/") String path,
            @Schema(description = "http only: status or min-max", defaultValue = "200-399") String expectStatus) {
        public static final List<String> TYPES = List.of("connect", "ping", "http", "none");
    }

    /** An address and port, used for the fallback server. */
    @JsonPropertyOrder({"address", "port"})
    public record Endpoint(String address, int port) {
    }

    public VirtualService withVersion(Long newVersion) {
        return new VirtualService(name, address, ports, protocol, layer, algorithm, persistence, healthCheck,
                fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flowIdleTimeout, maxFlows,
                newVersion);
    }

    /** True when both describe the same configuration, whatever versions they carry. */
    public boolean sameConfiguration(VirtualService other) {
        return withVersion(null).equals(other.withVersion(null));
    }
}
