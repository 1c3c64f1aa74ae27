package io.fulcrum.dataplane.controlplane;

/** A snapshot from the control plane that cannot be turned into a valid configuration. */
public final class InvalidSnapshotException extends Exception {
    public InvalidSnapshotException(String reason) {
        super(reason);
    }
}
