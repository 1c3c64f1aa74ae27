package io.fulcrum.controlplane.sync;

import java.util.List;

/**
 * What a write's ?wait found, as the Fulcrum-Sync header says it: "applied" (every registered node
 * applied the version), "no-nodes" (none is registered, so nothing serves it), or
 * "pending; nodes=a(behind),b(disconnected),c(lost),d(nack)" naming each node that has not and why.
 */
public record SyncOutcome(String header) {
    public static final SyncOutcome APPLIED = new SyncOutcome("applied");
    public static final SyncOutcome NO_NODES = new SyncOutcome("no-nodes");

    static SyncOutcome pending(List<String> nodes) {
        return new SyncOutcome("pending; nodes=" + String.join(",", nodes));
    }
}
