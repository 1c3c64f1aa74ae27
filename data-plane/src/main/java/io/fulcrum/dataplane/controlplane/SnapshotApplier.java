package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.LastGoodSnapshotStore;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.runtime.ApplyException;
import io.fulcrum.dataplane.runtime.DataPlaneRuntime;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.SnapshotAck;
import io.fulcrum.proto.v1.SnapshotNack;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies snapshots from the control plane (or the disk cache) to the runtime and keeps the last
 * good one on disk (written after the answer, off the applying thread); answers each pushed snapshot
 * with an ack or a nack carrying the reason.
 */
public final class SnapshotApplier {
    private static final System.Logger LOG = System.getLogger(SnapshotApplier.class.getName());

    private final DataPlaneRuntime runtime;
    private final LastGoodSnapshotStore store;
    private final SnapshotMapping mapping = new SnapshotMapping();
    private final AtomicReference<io.fulcrum.proto.v1.Snapshot> toCache = new AtomicReference<>();
    private final ExecutorService cacheWriter = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "snapshot-cache-writer");
        thread.setDaemon(true);
        return thread;
    });

    /** Pushed snapshots wait for this: a node that warms up opens its listeners only after it. */
    private final CountDownLatch opened;

    public SnapshotApplier(DataPlaneRuntime runtime, LastGoodSnapshotStore store) {
        this(runtime, store, true);
    }

    /** @param open false: pushed snapshots wait in {@link #apply} until {@link #open()} */
    public SnapshotApplier(DataPlaneRuntime runtime, LastGoodSnapshotStore store, boolean open) {
        this.runtime = runtime;
        this.store = store;
        this.opened = new CountDownLatch(open ? 0 : 1);
    }

    /** From now on pushed snapshots are applied as they come (the one waiting first). */
    public void open() {
        opened.countDown();
    }

    public boolean isOpen() {
        return opened.getCount() == 0;
    }

    public long appliedVersion() {
        return runtime.appliedVersion();
    }

    /** Applies a pushed snapshot (once {@link #open()}); returns the ack or nack to send back. */
    public NodeMessage apply(io.fulcrum.proto.v1.Snapshot proto) {
        try {
            opened.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return nack(proto.getVersion(), "the node is stopping");
        }
        return applyNow(proto);
    }

    private synchronized NodeMessage applyNow(io.fulcrum.proto.v1.Snapshot proto) {
        long version = proto.getVersion();
        long startedAt = System.nanoTime();
        try {
            Snapshot snapshot = mapping.toSnapshot(proto);
            long mappedAt = System.nanoTime();
            runtime.apply(snapshot);
            LOG.log(Level.DEBUG, () -> "snapshot version " + version + ": mapped " + mapping.lastMapped() + " of "
                    + proto.getVirtualServicesCount() + " virtual services in " + millis(mappedAt - startedAt)
                    + "ms, applied in " + millis(System.nanoTime() - mappedAt) + "ms");
        } catch (InvalidSnapshotException | ApplyException e) {
            return nack(version, e.getMessage());
        } catch (RuntimeException e) {
            // A bug must still be answered, or the control plane would wait for this version forever.
            LOG.log(Level.ERROR, "unexpected failure applying snapshot version " + version, e);
            return nack(version, "internal error: " + e);
        }
        // Serving it is what the ack promises; the disk copy only adds restart safety, so its fsyncs
        // run after the ack instead of delaying it.
        cacheLater(proto);
        return NodeMessage.newBuilder().setAck(SnapshotAck.newBuilder().setVersion(version)).build();
    }

    private void cacheLater(io.fulcrum.proto.v1.Snapshot proto) {
        // A write already queued picks up the newest snapshot, so bursts cost one write, never an older one last.
        if (toCache.getAndSet(proto) == null) {
            try {
                cacheWriter.execute(this::writeCache);
            } catch (RejectedExecutionException e) {
                LOG.log(Level.WARNING, "node closing: snapshot version " + proto.getVersion() + " not cached");
            }
        }
    }

    private void writeCache() {
        io.fulcrum.proto.v1.Snapshot proto = toCache.getAndSet(null);
        if (proto == null) {
            return;
        }
        try {
            store.write(proto.toByteArray());
        } catch (IOException e) {
            // A node that cannot cache only loses restart safety.
            LOG.log(Level.WARNING, "applied snapshot version " + proto.getVersion() + " but could not cache it in "
                    + store.file() + ": " + e);
        }
    }

    /** Finishes the pending disk write, so a restart serves the last acknowledged snapshot. */
    public void close() {
        cacheWriter.shutdown();
        try {
            if (!cacheWriter.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "the last snapshot was not written to " + store.file() + " within 10s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String millis(long nanos) {
        return String.format("%.1f", nanos / 1e6);
    }

    private static NodeMessage nack(long version, String reason) {
        LOG.log(Level.WARNING, "refused snapshot version " + version + ": " + reason);
        return NodeMessage.newBuilder()
                .setNack(SnapshotNack.newBuilder().setVersion(version).setReason(reason))
                .build();
    }

    /** Serves the snapshot cached on disk, if any; returns its version. */
    public synchronized Optional<Long> applyCached() {
        try {
            Optional<byte[]> cached = store.read();
            if (cached.isEmpty()) {
                return Optional.empty();
            }
            Snapshot snapshot = mapping.toSnapshot(io.fulcrum.proto.v1.Snapshot.parseFrom(cached.get()));
            runtime.apply(snapshot);
            LOG.log(Level.INFO, "serving cached snapshot version " + snapshot.version() + " from " + store.file());
            return Optional.of(snapshot.version());
        } catch (IOException | InvalidSnapshotException | ApplyException e) {
            LOG.log(Level.WARNING, "cannot serve cached snapshot " + store.file() + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
