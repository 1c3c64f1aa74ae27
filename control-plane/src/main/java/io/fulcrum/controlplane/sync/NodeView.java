package io.fulcrum.controlplane.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** How GET /api/v1/nodes shows one data-plane node; times are ISO-8601 or null. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "connected", "hostname", "softwareVersion", "connectedAt", "lastReport", "appliedVersion",
        "lastNack"})
public record NodeView(String id, boolean connected, String hostname, String softwareVersion, String connectedAt,
        String lastReport, long appliedVersion, Nack lastNack) {

    /** The last snapshot the node refused, and why. */
    @JsonPropertyOrder({"version", "reason", "at"})
    public record Nack(long version, String reason, String at) {
    }
}
