package io.fulcrum.controlplane.config;

/** Fired inside a writing transaction; observers use TransactionPhase.AFTER_SUCCESS to see only commits. */
public record ConfigCommitted(long version) {
}
