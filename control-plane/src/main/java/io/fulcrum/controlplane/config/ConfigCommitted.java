package io.fulcrum.controlplane.config;

import java.util.List;

/**
 * Fired inside a writing transaction; observers use TransactionPhase.AFTER_SUCCESS to see only commits.
 * Names who made the version and what it changed.
 */
public record ConfigCommitted(long version, String principal, List<Change> changes) {
    public ConfigCommitted {
        changes = List.copyOf(changes);
    }
}
