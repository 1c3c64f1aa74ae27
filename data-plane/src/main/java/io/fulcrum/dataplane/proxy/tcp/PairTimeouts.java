package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.config.VirtualServiceConfig;

/**
 * The timeouts of one proxied pair and when it last moved a byte: the client's idle timeout until the
 * upstream is joined, then the shorter of the client's and the real server's; and, until the client's
 * first byte, at most the first-byte timeout (a silent client holds no slot for the long idle timeout
 * meant for established sessions). The pair checks them with one timer, re-armed for the remaining
 * time when it finds activity. Used on the pair's event loop only.
 */
final class PairTimeouts {
    private final long clientIdleNanos;
    private final long serverIdleNanos;
    private final long firstByteNanos;
    private final long connectNanos;
    private boolean awaitingFirstByte = true;
    private boolean upstreamJoined;
    private long idleNanos;
    private long lastActivityNanos;

    PairTimeouts(VirtualServiceConfig config) {
        // Limits.IDLE_TIMEOUT keeps these at most 24 days: far from the ~292 years where toNanos overflows.
        this.clientIdleNanos = config.clientIdleTimeout().toNanos();
        this.serverIdleNanos = config.serverIdleTimeout().toNanos();
        this.firstByteNanos = config.clients().firstByteTimeout().toNanos();
        this.connectNanos = config.connectTimeout().toNanos();
        this.idleNanos = current();
        this.lastActivityNanos = System.nanoTime();
    }

    /** Bytes moved: the pair is busy as of now. */
    void activity() {
        lastActivityNanos = System.nanoTime();
    }

    /** The client sent its first byte: the first-byte timeout no longer applies (picked up at the next check). */
    void clientSpoke() {
        if (awaitingFirstByte) {
            awaitingFirstByte = false;
            idleNanos = current();
        }
    }

    /** The real server's side is joined; true if its timeout made the idle timeout shorter. */
    boolean upstreamJoined() {
        upstreamJoined = true;
        long next = current();
        boolean shorter = next < idleNanos;
        idleNanos = next;
        return shorter;
    }

    boolean awaitingFirstByte() {
        return awaitingFirstByte;
    }

    long idleNanos() {
        return idleNanos;
    }

    long connectNanos() {
        return connectNanos;
    }

    long idleFor(long nowNanos) {
        return nowNanos - lastActivityNanos;
    }

    private long current() {
        long timeout = upstreamJoined ? Math.min(clientIdleNanos, serverIdleNanos) : clientIdleNanos;
        return awaitingFirstByte ? Math.min(timeout, firstByteNanos) : timeout;
    }
}
