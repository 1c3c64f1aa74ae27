package io.fulcrum.controlplane.snapshot;

import io.fulcrum.proto.v1.Snapshot;

/** Fired (synchronously, on the refresher thread) after a new snapshot became current. */
public record SnapshotPublished(Snapshot snapshot) {
}
