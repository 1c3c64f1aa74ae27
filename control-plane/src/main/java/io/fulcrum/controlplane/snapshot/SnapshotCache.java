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
    private volatile long publishedAtNanos;

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

    /** When {@code version} was published (System.nanoTime), if it is the current one; else -1. */
    public long publishedAtNanos(long version) {
        long at = publishedAtNanos;
        return currentVersion() == version ? at : -1;
    }

    /** Called only from the refresher's single thread, so versions are published in increasing order. */
    void publish(Snapshot snapshot) {
        publishedAtNanos = System.nanoTime();
        current.set(snapshot);
        published.fire(new SnapshotPublished(snapshot));
    }
}
