package io.fulcrum.controlplane.sync;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fulcrum.controlplane.domain.JsonName;

/**
 * How GET /api/v1/nodes shows one data-plane node; times are ISO-8601 or null. connectedTo names the
 * control-plane instance holding its stream; heldAddresses, from its latest report, the virtual-service
 * addresses its host holds (where it is the active node of a floating address); persistenceEntries, the
 * clients in its source-IP persistence tables over all virtual services (equal on the nodes of a peer
 * group once their tables are replicated).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "connected", "state", "hostname", "softwareVersion", "firstSeen", "lastSeen", "connectedAt",
        "lastReport", "appliedVersion", "lastNack", "connectedTo", "heldAddresses", "persistenceEntries"})
public record NodeView(String id, boolean connected, String state, String hostname, String softwareVersion,
        String firstSeen, String lastSeen, String connectedAt, String lastReport, long appliedVersion, Nack lastNack,
        String connectedTo, java.util.List<String> heldAddresses, long persistenceEntries) {

    /** The last snapshot the node refused, and why. */
    @JsonPropertyOrder({"version", "reason", "at"})
    public record Nack(long version, String reason, String at) {
    }

    /** connected: a stream on some instance; disconnected: none; lost: none for longer than the lost-after time. */
    public enum State implements JsonName {
        CONNECTED("connected"), DISCONNECTED("disconnected"), LOST("lost");

        private final String json;

        State(String json) {
            this.json = json;
        }

        @Override
        public String json() {
            return json;
        }
    }
}
