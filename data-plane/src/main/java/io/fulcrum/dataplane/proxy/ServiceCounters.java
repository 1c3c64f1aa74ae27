package io.fulcrum.dataplane.proxy;

import java.util.concurrent.atomic.LongAdder;

/** Connection and byte counters of one virtual service, updated from every event loop without locks. */
public final class ServiceCounters {
    private final LongAdder active = new LongAdder();
    private final LongAdder total = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder fallback = new LongAdder();

    public void connectionOpened() {
        active.increment();
        total.increment();
    }

    public void connectionClosed() {
        active.decrement();
    }

    public void addBytesIn(long bytes) {
        bytesIn.add(bytes);
    }

    public void addBytesOut(long bytes) {
        bytesOut.add(bytes);
    }

    public void refused() {
        refused.increment();
    }

    public void fallbackUsed() {
        fallback.increment();
    }

    public long active() {
        return active.sum();
    }

    public long total() {
        return total.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long refusedConnections() {
        return refused.sum();
    }

    public long fallbackConnections() {
        return fallback.sum();
    }
}
