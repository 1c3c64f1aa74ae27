package io.fulcrum.testbed.e2e.harness;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition by polling with a deadline: the tests' only way to wait for another process. */
public final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Poll() {
    }

    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        untilValue(what, timeout, () -> condition.getAsBoolean(), Boolean::booleanValue);
    }

    /** Polls the supplier until the predicate holds and returns that value; fails with the last value seen. */
    public static <T> T untilValue(String what, Duration timeout, Supplier<T> supplier, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        T last = null;
        RuntimeException lastError = null;
        while (true) {
            try {
                last = supplier.get();
                lastError = null;
                if (done.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                // the other process may not answer yet; the deadline decides when this becomes a failure
                lastError = e;
            }
            if (System.nanoTime() - deadline > 0) {
                AssertionError failure = new AssertionError("timed out after " + timeout.toMillis() + "ms waiting for "
                        + what + "; last value: " + last);
                if (lastError != null) {
                    failure.initCause(lastError);
                }
                throw failure;
            }
            pause(INTERVAL);
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
