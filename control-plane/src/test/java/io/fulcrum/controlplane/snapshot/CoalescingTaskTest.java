package io.fulcrum.controlplane.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescingTaskTest {

    /** An executor the test drives by hand, so interleavings are exact rather than timed. */
    private static final class ManualExecutor implements java.util.concurrent.Executor {
        final Queue<Runnable> queue = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            queue.add(command);
        }

        void runAll() {
            while (!queue.isEmpty()) {
                queue.poll().run();
            }
        }
    }

    @Test
    void requestsWhileQueuedShareOneRun() {
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger runs = new AtomicInteger();
        CoalescingTask task = new CoalescingTask(executor, runs::incrementAndGet);
        task.request();
        task.request();
        task.request();
        executor.runAll();
        assertEquals(1, runs.get());
    }

    @Test
    void requestsDuringARunCauseExactlyOneMore() {
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger runs = new AtomicInteger();
        CoalescingTask[] task = new CoalescingTask[1];
        task[0] = new CoalescingTask(executor, () -> {
            if (runs.incrementAndGet() == 1) {
                task[0].request();
                task[0].request();
            }
        });
        task[0].request();
        executor.runAll();
        assertEquals(2, runs.get());
    }

    @Test
    void aRequestAfterARunRunsAgain() {
        ManualExecutor executor = new ManualExecutor();
        AtomicInteger runs = new AtomicInteger();
        CoalescingTask task = new CoalescingTask(executor, runs::incrementAndGet);
        task.request();
        executor.runAll();
        task.request();
        executor.runAll();
        assertEquals(2, runs.get());
    }
}
