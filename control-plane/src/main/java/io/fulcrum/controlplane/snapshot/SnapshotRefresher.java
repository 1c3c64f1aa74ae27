package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.config.ConfigCommitted;
import io.fulcrum.proto.v1.Snapshot;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Rebuilds the snapshot after every commit, at start, and when another control-plane instance
 * committed one: announced at once by the database (DatabaseNotifications), with a poll of the
 * version row every few seconds as the safety net. Rebuilds run on one thread; requests arriving
 * during a rebuild coalesce into exactly one more.
 */
@ApplicationScoped
public class SnapshotRefresher {

    private static final Logger LOG = Logger.getLogger(SnapshotRefresher.class);
    private static final long POLL_SECONDS = 5;

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "snapshot-refresher");
        thread.setDaemon(true);
        return thread;
    });
    private final CoalescingTask rebuild = new CoalescingTask(executor, this::rebuild);
    private final VirtualServiceMessages messages = new VirtualServiceMessages();
    // Touched only by the refresher thread.
    private IncrementalRead lastRead = IncrementalRead.NONE;
    // Versions committed through this instance (so with audit entries naming each change), not read yet.
    private final Set<Long> committedHere = ConcurrentHashMap.newKeySet();

    // The configuration of the snapshot last published, for views served while the database is down.
    private volatile ConfigState lastPublished;

    @Inject
    ConfigStateReader reader;
    @Inject
    SnapshotCache cache;

    void onStart(@Observes StartupEvent event) {
        requestRefresh();
        executor.scheduleWithFixedDelay(this::pollVersion, POLL_SECONDS, POLL_SECONDS, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ConfigCommitted committed) {
        committedHere.add(committed.version());
        requestRefresh();
    }

    /** The configuration nodes were last sent, if any was published since the start. */
    public java.util.Optional<ConfigState> lastPublished() {
        return java.util.Optional.ofNullable(lastPublished);
    }

    public void requestRefresh() {
        rebuild.request();
    }

    private void pollVersion() {
        try {
            if (reader.version() != cache.currentVersion()) {
                requestRefresh();
            }
        } catch (RuntimeException e) {
            LOG.warn("Polling the configuration version failed: " + e.getMessage());
        }
    }

    private void rebuild() {
        try {
            long startedAt = System.nanoTime();
            IncrementalRead read = reader.readChanged(lastRead, committedHere::contains);
            lastRead = read;
            committedHere.removeIf(version -> version <= read.version());
            if (read.version() == cache.currentVersion()) {
                return;
            }
            ConfigState state = read.state();
            long readAt = System.nanoTime();
            List<String> problems = SnapshotConsistency.problems(state, cache.currentVersion());
            if (!problems.isEmpty()) {
                LOG.errorf("Not publishing configuration version %d: %s", state.version(), problems);
                return;
            }
            long checkedAt = System.nanoTime();
            Snapshot snapshot = messages.toSnapshot(state);
            long builtAt = System.nanoTime();
            cache.publish(snapshot);
            lastPublished = state;
            if (LOG.isDebugEnabled()) {
                LOG.debugf("Published snapshot version %d (%d virtual services, %d mapped): read %.1f ms, checked %.1f ms,"
                        + " built %.1f ms, pushed %.1f ms", state.version(), state.virtualServices().size(),
                        messages.lastMapped(), millis(readAt - startedAt), millis(checkedAt - readAt),
                        millis(builtAt - checkedAt), millis(System.nanoTime() - builtAt));
            }
        } catch (RuntimeException e) {
            LOG.error("Rebuilding the snapshot failed; the next poll retries", e);
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
