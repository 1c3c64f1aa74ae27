package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.proxy.LoopSocket;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoOps;

import java.lang.foreign.MemorySegment;

/**
 * One socket of a proxied pair (the client's or the real server's) on the event loop's epoll: its
 * descriptor, registered once, edge-triggered, for everything the relay ever waits for (input, the
 * peer's FIN, room to write), so its interest never changes while it lives; and what it has not
 * taken yet. Only the pair's event loop touches it.
 */
final class PairSide extends LoopSocket implements Runnable {
    /** Input, the peer's FIN, room to write; edge-triggered: each is reported when it changes. */
    private static final EpollIoOps INTEREST = EpollIoOps.valueOf(EpollIoOps.EPOLLIN.value()
            | EpollIoOps.EPOLLOUT.value() | EpollIoOps.EPOLLRDHUP.value() | EpollIoOps.EPOLLET.value());

    final TcpPair pair;
    final int fd;
    /** Input arrived that was not read to the end yet (edge-triggered: no new edge until it is). */
    boolean readable;
    /** The peer sent its FIN: once the input is read to the end, nothing more comes. */
    boolean finSeen;
    /** Its input ended: FIN read, and passed on. */
    boolean inputDone;
    /** Our FIN was sent to it. */
    boolean outputShut;
    /** Send our FIN once {@link #pending} is written. */
    boolean shutWhenFlushed;
    /** Bytes for this socket that it could not take yet (its peer is not read meanwhile). */
    MemorySegment pending;
    long pendingOffset;
    long pendingLength;

    PairSide(TcpPair pair, int fd) {
        super(fd);
        this.pair = pair;
        this.fd = fd;
    }

    /** Registers with the loop's epoll; false if it could not (the pair then closes). */
    boolean register(TcpLoop loop) {
        return register(loop.eventLoop, INTEREST);
    }

    boolean hasPending() {
        return pending != null;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        pair.onEvent(this, ((EpollIoEvent) event).ops().value());
    }

    /** The pair yielded with input still waiting here; it reads on now. */
    @Override
    public void run() {
        pair.resume(this);
    }

    /** The event loop is shutting down with this socket registered. */
    @Override
    public void close() {
        pair.close();
    }
}
