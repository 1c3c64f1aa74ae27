package io.fulcrum.controlplane.sync;

import java.time.Instant;

/**
 * A node as PostgreSQL keeps it for every control-plane instance: the row of the node table.
 * connectedTo names the instance holding the node's stream, null while it has none.
 */
record NodeRecord(String id, String hostname, String softwareVersion, Instant firstSeen, Instant lastSeen,
        long appliedVersion, NodeView.Nack lastNack, String connectedTo) {
}
