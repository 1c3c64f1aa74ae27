package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.balance.RealServer;

/**
 * One client address and port of a UDP virtual service, pinned to one real server through its own
 * upstream socket. Read lock-free on every datagram; re-pinned and ended under its own monitor by
 * {@link FlowTable}, so its server slot and counters are released exactly once.
 */
public final class UdpFlow {
    private final FlowKey key;
    private volatile UdpServiceSocket listener;
    private volatile RealServer server;
    private volatile FlowUpstream upstream;
    // Plain volatile writes: loops touching the same flow race harmlessly (latest time wins or nearly).
    private volatile long lastActivityMillis;
    private volatile long lastPinnedMillis;
    // Written under this flow's monitor (held by FlowTable), read lock-free.
    private volatile boolean ended;

    UdpFlow(FlowKey key, UdpServiceSocket listener, RealServer server, long nowMillis) {
        this.key = key;
        this.listener = listener;
        this.server = server;
        this.lastActivityMillis = nowMillis;
        this.lastPinnedMillis = nowMillis;
    }

    public FlowKey key() {
        return key;
    }

    /** The service socket replies leave from, so the client sees them come from the address it used. */
    UdpServiceSocket listener() {
        return listener;
    }

    public RealServer server() {
        return server;
    }

    FlowUpstream upstream() {
        return upstream;
    }

    void attach(FlowUpstream newUpstream) {
        this.upstream = newUpstream;
    }

    void repin(RealServer newServer, FlowUpstream newUpstream) {
        this.server = newServer;
        this.upstream = newUpstream;
    }

    /** Replies leave from this service socket from now on (same address and port, maybe another loop). */
    void useListener(UdpServiceSocket newListener) {
        if (newListener != null) {
            this.listener = newListener;
        }
    }

    void touch(long nowMillis) {
        lastActivityMillis = nowMillis;
    }

    long lastActivityMillis() {
        return lastActivityMillis;
    }

    /** Whether the persistence entry is due a refresh; claims it if so (at most once a second). */
    boolean claimPinRefresh(long nowMillis, long everyMillis) {
        if (nowMillis - lastPinnedMillis < everyMillis) {
            return false;
        }
        lastPinnedMillis = nowMillis;
        return true;
    }

    boolean ended() {
        return ended;
    }

    boolean markEnded() {
        if (ended) {
            return false;
        }
        ended = true;
        return true;
    }
}
