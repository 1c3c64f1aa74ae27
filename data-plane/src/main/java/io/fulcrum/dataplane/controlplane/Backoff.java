package io.fulcrum.dataplane.controlplane;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with full jitter, so many nodes do not reconnect in lockstep. */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long nextCeiling;

    public Backoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.nextCeiling = minMillis;
    }

    /** The delay before the next attempt; grows until the cap. */
    public Duration next() {
        long ceiling = nextCeiling;
        nextCeiling = Math.min(maxMillis, ceiling * 2);
        return Duration.ofMillis(minMillis / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, ceiling - minMillis / 2 + 1)));
    }

    public void reset() {
        nextCeiling = minMillis;
    }
}
