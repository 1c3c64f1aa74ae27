package io.fulcrum.dataplane.health;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long a real server's health checks took, as a histogram with fixed buckets from 1 ms to 10 s
 * (what Prometheus shows as {@code fulcrum_real_server_health_check_duration_seconds}). Written by the
 * checker's event loop, read by the reporter: counters only, no lock.
 */
public final class CheckDurations {
    /** Upper bounds of the buckets, in seconds; a last, unbounded bucket holds the rest. */
    public static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** Cumulative counts per bound (then all of them), the sum in seconds and the count. */
    public record Snapshot(long[] cumulative, double sumSeconds, long count) {
        public static final Snapshot EMPTY = new Snapshot(new long[BOUNDS.length], 0, 0);
    }

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sumSeconds = new DoubleAdder();

    public CheckDurations() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    public void record(long nanos) {
        double seconds = nanos / 1e9;
        for (int i = 0; i < BOUNDS.length; i++) {
            if (seconds <= BOUNDS[i]) {
                buckets[i].increment();
                break;
            }
        }
        count.increment();
        sumSeconds.add(seconds);
    }

    public Snapshot snapshot() {
        long[] cumulative = new long[BOUNDS.length];
        long running = 0;
        for (int i = 0; i < BOUNDS.length; i++) {
            running += buckets[i].sum();
            cumulative[i] = running;
        }
        return new Snapshot(cumulative, sumSeconds.sum(), count.sum());
    }
}
