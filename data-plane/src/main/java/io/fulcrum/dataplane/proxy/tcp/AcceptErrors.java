package io.fulcrum.dataplane.proxy.tcp;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Errors of the listening sockets themselves (accept failing with EMFILE when something outside the
 * descriptor budget ran the process out): counted, and logged at most once a minute for the whole
 * node with how many came since, instead of once per listener per wake-up.
 */
final class AcceptErrors {
    private static final System.Logger LOG = System.getLogger(AcceptErrors.class.getName());
    private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final LongAdder ERRORS = new LongAdder();
    private static final AtomicLong LAST_LOGGED = new AtomicLong(System.nanoTime() - EVERY_NANOS);

    private AcceptErrors() {
    }

    static void record(String listener, String reason) {
        ERRORS.increment();
        long last = LAST_LOGGED.get();
        long now = System.nanoTime();
        if (now - last >= EVERY_NANOS && LAST_LOGGED.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "accepting on " + listener + " failed: " + reason
                    + " (" + ERRORS.sumThenReset() + " accept errors on all listeners in the last minute)");
        }
    }
}
