package io.fulcrum.dataplane.report;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends the node status every interval and, debounced, soon after any health transition, so a
 * burst of transitions becomes one report.
 */
public final class StatusReporter implements AutoCloseable {
    static final Duration DEBOUNCE = Duration.ofMillis(50);
    private static final System.Logger LOG = System.getLogger(StatusReporter.class.getName());

    private final Supplier<NodeStatus> status;
    private final Consumer<NodeStatus> sink;
    private final Duration interval;
    private final AtomicBoolean urgentPending = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fulcrum-reporter");
        thread.setDaemon(true);
        return thread;
    });

    private volatile boolean closed;

    public StatusReporter(Supplier<NodeStatus> status, Consumer<NodeStatus> sink, Duration interval) {
        this.status = status;
        this.sink = sink;
        this.interval = interval;
    }

    public void start() {
        long millis = Math.max(10, interval.toMillis());
        timer.scheduleAtFixedRate(this::send, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Asks for a report soon; calls within the debounce window share one report. */
    public void reportSoon() {
        if (closed || !urgentPending.compareAndSet(false, true)) {
            return;
        }
        try {
            timer.schedule(() -> {
                urgentPending.set(false);
                send();
            }, DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // Closed meanwhile: health transitions of a node that is stopping are not reported.
        }
    }

    private void send() {
        try {
            sink.accept(status.get());
        } catch (RuntimeException e) {
            // A failed report must not cancel the periodic task.
            LOG.log(Level.WARNING, "report failed: " + e);
        }
    }

    @Override
    public void close() {
        closed = true;
        timer.shutdownNow();
    }
}
