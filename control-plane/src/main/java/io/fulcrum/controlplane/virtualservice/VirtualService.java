package io.fulcrum.controlplane.virtualservice;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.fulcrum.controlplane.config.Versioned;
import io.fulcrum.controlplane.domain.Algorithm;
import io.fulcrum.controlplane.domain.DurationText;
import io.fulcrum.controlplane.domain.HealthCheckType;
import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.domain.PersistenceMode;
import io.fulcrum.controlplane.domain.Protocol;
import java.time.Duration;
import java.util.List;

/**
 * The desired configuration of one virtual service with every default filled in: what the API
 * returns, what equality of two documents is judged on, and what snapshots are built from.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"name", "address", "ports", "protocol", "layer", "algorithm", "persistence", "healthCheck",
        "fallback", "proxyProtocol", "clientIdleTimeout", "clientFirstByteTimeout", "serverIdleTimeout", "connectTimeout",
        "flowIdleTimeout", "maxFlows", "maxConnections", "maxConnectionsPerClient", "version"})
public record VirtualService(
        String name,
        String address,
        List<Integer> ports,
        Protocol protocol,
        Layer layer,
        Algorithm algorithm,
        Persistence persistence,
        HealthCheck healthCheck,
        Endpoint fallback,
        boolean proxyProtocol,
        @JsonSerialize(using = DurationText.Json.class) Duration clientIdleTimeout,
        @JsonSerialize(using = DurationText.Json.class) Duration clientFirstByteTimeout,
        @JsonSerialize(using = DurationText.Json.class) Duration serverIdleTimeout,
        @JsonSerialize(using = DurationText.Json.class) Duration connectTimeout,
        @JsonSerialize(using = DurationText.Json.class) Duration flowIdleTimeout,
        int maxFlows,
        int maxConnections,
        int maxConnectionsPerClient,
        Long version) implements Versioned {

    /** Source-IP persistence; timeout is null when the mode is none and none was given. */
    @JsonPropertyOrder({"mode", "timeout"})
    public record Persistence(PersistenceMode mode, @JsonSerialize(using = DurationText.Json.class) Duration timeout) {
    }

    /**
     * How nodes decide whether a real server is up; path and expectStatus apply to http only, send and
     * expect to udp only (else null).
     */
    @JsonPropertyOrder({"type", "interval", "timeout", "rise", "fall", "port", "path", "expectStatus", "send", "expect"})
    public record HealthCheck(
            HealthCheckType type,
            @JsonSerialize(using = DurationText.Json.class) Duration interval,
            @JsonSerialize(using = DurationText.Json.class) Duration timeout,
            int rise,
            int fall,
            Integer port,
            String path,
            String expectStatus,
            String send,
            String expect) {
    }

    /** An address and port, used for the fallback server. */
    @JsonPropertyOrder({"address", "port"})
    public record Endpoint(String address, int port) {
    }

    public VirtualService withVersion(Long newVersion) {
        return new VirtualService(name, address, ports, protocol, layer, algorithm, persistence, healthCheck,
                fallback, proxyProtocol, clientIdleTimeout, clientFirstByteTimeout, serverIdleTimeout, connectTimeout,
                flowIdleTimeout, maxFlows, maxConnections, maxConnectionsPerClient,
                newVersion);
    }

    /** True when both describe the same configuration, whatever versions they carry. */
    public boolean sameConfiguration(VirtualService other) {
        return withVersion(null).equals(other.withVersion(null));
    }
}
