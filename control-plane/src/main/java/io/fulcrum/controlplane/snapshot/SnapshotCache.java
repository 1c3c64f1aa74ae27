package io.fulcrum.controlplane.snapshot;

import io.fulcrum.proto.v1.Snapshot;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicReference;

/** Holds the one current, immutable snapshot; readers never see a half-built one. */
@ApplicationScoped
public class SnapshotCache {

    private final AtomicReference<Snapshot> current = new AtomicReference<>();

    @Inject
    Event<SnapshotPublished> published;

    /** The current snapshot, or null before the first build. */
    public Snapshot current() {
        return current.get();
    }

    public long currentVersion() {
        Snapshot snapshot = current.get();
        return snapshot == null ? -1 : snapshot.getVersion();
    }

    /** Called only from the refresher's single thread, so versions are published in increasing order. */
    void publish(Snapshot snapshot) {
        current.set(snapshot);
        published.fire(new SnapshotPublished(snapshot));
    }
}
