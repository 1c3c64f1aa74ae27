package io.fulcrum.controlplane.snapshot;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a task on an executor on request, coalescing bursts: requests made while a run is queued
 * share it, and requests made while it runs cause exactly one more run. With a single-threaded
 * executor, runs never overlap.
 */
public final class CoalescingTask {

    private final AtomicBoolean queued = new AtomicBoolean();
    private final Executor executor;
    private final Runnable task;

    public CoalescingTask(Executor executor, Runnable task) {
        this.executor = executor;
        this.task = task;
    }

    public void request() {
        if (queued.compareAndSet(false, true)) {
            executor.execute(this::run);
        }
    }

    private void run() {
        // Cleared before running, so a request arriving during the run queues one more.
        queued.set(false);
        task.run();
    }
}
