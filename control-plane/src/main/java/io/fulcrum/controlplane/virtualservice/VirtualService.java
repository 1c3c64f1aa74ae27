package io.fulcrum.controlplane.virtualservice;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fulcrum.controlplane.config.Versioned;
import java.util.List;

/**
 * The desired configuration of one virtual service with every default filled in: what the API
 * returns, what equality of two documents is judged on, and what snapshots are built from.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "address", "ports", "protocol", "layer", "algorithm", "persistence", "healthCheck",
        "fallback", "proxyProtocol", "clientIdleTimeout", "serverIdleTimeout", "connectTimeout", "version"})
public record VirtualService(
        String name,
        String address,
        List<Integer> ports,
        String protocol,
        int layer,
        String algorithm,
        Persistence persistence,
        HealthCheck healthCheck,
        Endpoint fallback,
        boolean proxyProtocol,
        String clientIdleTimeout,
        String serverIdleTimeout,
        String connectTimeout,
        Long version) implements Versioned {

    public static final List<String> PROTOCOLS = List.of("tcp", "udp");
    public static final List<String> ALGORITHMS =
            List.of("weighted-least-connections", "weighted-round-robin", "source-hash");

    /** Source-IP persistence; timeout is null when the mode is none and none was given. */
    @JsonPropertyOrder({"mode", "timeout"})
    public record Persistence(String mode, String timeout) {
        public static final List<String> MODES = List.of("none", "source-ip");
    }

    /** How nodes decide whether a real server is up; path and expectStatus apply to http only. */
    @JsonPropertyOrder({"type", "interval", "timeout", "rise", "fall", "port", "path", "expectStatus"})
    public record HealthCheck(String type, String interval, String timeout, int rise, int fall, Integer port,
            String path, String expectStatus) {
        public static final List<String> TYPES = List.of("connect", "ping", "http", "none");
    }

    /** An address and port, used for the fallback server. */
    @JsonPropertyOrder({"address", "port"})
    public record Endpoint(String address, int port) {
    }

    public VirtualService withVersion(Long newVersion) {
        return new VirtualService(name, address, ports, protocol, layer, algorithm, persistence, healthCheck,
                fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, newVersion);
    }

    /** True when both describe the same configuration, whatever versions they carry. */
    public boolean sameConfiguration(VirtualService other) {
        return withVersion(null).equals(other.withVersion(null));
    }
}
