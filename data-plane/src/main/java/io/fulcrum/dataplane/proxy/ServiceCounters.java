package io.fulcrum.dataplane.proxy;

import java.util.concurrent.atomic.LongAdder;

/** Connection, byte and datagram counters of one virtual service, updated from every event loop without locks. */
public final class ServiceCounters {
    private final LongAdder active = new LongAdder();
    private final LongAdder total = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder fallback = new LongAdder();
    private final LongAdder datagramsIn = new LongAdder();
    private final LongAdder datagramsOut = new LongAdder();
    private final LongAdder droppedDatagrams = new LongAdder();
    private final LongAdder droppedFlows = new LongAdder();
    private final LongAdder repinnedFlows = new LongAdder();

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

    /** A connection tried another real server after a connect failed. */
    public void retried() {
        retries.increment();
    }

    public long retries() {
        return retries.sum();
    }

    public void fallbackUsed() {
        fallback.increment();
    }

    /** One datagram of {@code bytes} from a client. */
    public void datagramIn(int bytes) {
        datagramsIn.increment();
        bytesIn.add(bytes);
    }

    /** One datagram of {@code bytes} back to a client. */
    public void datagramOut(int bytes) {
        datagramsOut.increment();
        bytesOut.add(bytes);
    }

    public void datagramDropped() {
        droppedDatagrams.increment();
    }

    public void datagramsDropped(int count) {
        droppedDatagrams.add(count);
    }

    public void flowDropped() {
        droppedFlows.increment();
    }

    public void flowRepinned() {
        repinnedFlows.increment();
    }

    public long datagramsIn() {
        return datagramsIn.sum();
    }

    public long datagramsOut() {
        return datagramsOut.sum();
    }

    public long droppedDatagrams() {
        return droppedDatagrams.sum();
    }

    public long droppedFlows() {
        return droppedFlows.sum();
    }

    public long repinnedFlows() {
        return repinnedFlows.sum();
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
