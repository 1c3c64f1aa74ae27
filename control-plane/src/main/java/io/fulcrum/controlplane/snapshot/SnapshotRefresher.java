package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.config.ConfigCommitted;
import io.fulcrum.controlplane.sync.ProtoMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Rebuilds the snapshot after every commit, at start, and when a once-a-second poll of the version
 * row shows a change made by another control-plane instance. Rebuilds run on one thread; requests
 * arriving during a rebuild coalesce into exactly one more.
 */
@ApplicationScoped
public class SnapshotRefresher {

    private static final Logger LOG = Logger.getLogger(SnapshotRefresher.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "snapshot-refresher");
        thread.setDaemon(true);
        return thread;
    });
    private final CoalescingTask rebuild = new CoalescingTask(executor, this::rebuild);

    @Inject
    ConfigStateReader reader;
    @Inject
    SnapshotCache cache;

    void onStart(@Observes StartupEvent event) {
        requestRefresh();
        executor.scheduleWithFixedDelay(this::pollVersion, 1, 1, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        executor.shutdownNow();
    }

    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ConfigCommitted committed) {
        requestRefresh();
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
            ConfigState state = reader.read();
            if (state.version() == cache.currentVersion()) {
                return;
            }
            List<String> problems = SnapshotConsistency.problems(state, cache.currentVersion());
            if (!problems.isEmpty()) {
                LOG.errorf("Not publishing configuration version %d: %s", state.version(), problems);
                return;
            }
            cache.publish(ProtoMapper.toSnapshot(state));
            LOG.debugf("Published snapshot version %d", state.version());
        } catch (RuntimeException e) {
            LOG.error("Rebuilding the snapshot failed; the next poll retries", e);
        }
    }
}
