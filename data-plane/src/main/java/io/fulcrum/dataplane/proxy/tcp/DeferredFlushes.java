package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;
import java.util.List;

/**
 * Flushes relayed writes once the event loop has handled every ready socket of its current pass,
 * instead of right after each read. The sends of one pass then leave back to back, so a peer
 * process that the first of them woke is still running for the rest (waking a sleeping process is
 * a large part of what a small send costs), the way an event-driven proxy batches its sends.
 * Back-pressure is applied at the flush: a source whose peer stays unwritable stops reading.
 */
final class DeferredFlushes implements Runnable {
    private static final FastThreadLocal<DeferredFlushes> PER_LOOP = new FastThreadLocal<>() {
        @Override
        protected DeferredFlushes initialValue() {
            return new DeferredFlushes();
        }
    };

    private final List<Channel> sources = new ArrayList<>();
    private final List<Channel> peers = new ArrayList<>();
    private boolean scheduled;

    private DeferredFlushes() {
    }

    /** Flushes {@code peer} after this pass; must be called on the peer's event loop. */
    static void flushLater(Channel source, Channel peer) {
        PER_LOOP.get().add(source, peer);
    }

    private void add(Channel source, Channel peer) {
        sources.add(source);
        peers.add(peer);
        if (!scheduled) {
            scheduled = true;
            peer.eventLoop().execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // Index loop: a flush may complete writes whose listeners defer more flushes.
        for (int i = 0; i < peers.size(); i++) {
            Channel peer = peers.get(i);
            peer.flush();
            if (!peer.isWritable()) {
                sources.get(i).config().setAutoRead(false);
            }
        }
        sources.clear();
        peers.clear();
    }
}
