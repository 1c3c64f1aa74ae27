package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.proxy.LoopSocket;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoOps;

import java.lang.foreign.MemorySegment;

/**
 * One socket of a proxied pair (the client's or the real server's) on the event loop's epoll: its
 * descriptor, registered once, edge-triggered, and what it has not taken yet. Only the pair's event
 * loop touches it.
 *
 * <p>The real server's socket waits for everything at once (input, the peer's FIN, room to write: its
 * connect completes as room to write). The client's waits for input and FIN only, until a write to it
 * first has to wait: then one {@code epoll_ctl} adds room to write for the rest of its life. Epoll
 * reports every condition that holds, so a client socket registered for room to write would report
 * "input and room to write" on every request, a combination Netty's epoll loop has no shared event
 * object for: it would allocate one per request.
 */
final class PairSide extends LoopSocket implements Runnable {
    /** Input and the peer's FIN; edge-triggered: each is reported when it changes. */
    private static final EpollIoOps READING = EpollIoOps.valueOf(EpollIoOps.EPOLLIN.value()
            | EpollIoOps.EPOLLRDHUP.value() | EpollIoOps.EPOLLET.value());
    /** Input, the peer's FIN and room to write. */
    private static final EpollIoOps READING_AND_WRITING = EpollIoOps.valueOf(READING.value() | EpollIoOps.EPOLLOUT.value());

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
    /** Registered for room to write too. */
    private boolean awaitsRoom;
    /** Bytes for this socket that it could not take yet (its peer is not read meanwhile). */
    MemorySegment pending;
    long pendingOffset;
    long pendingLength;

    PairSide(TcpPair pair, int fd) {
        super(fd);
        this.pair = pair;
        this.fd = fd;
    }

    /** Registers the client's socket with the loop's epoll for input; false if it could not (the pair then closes). */
    boolean registerReading(TcpLoop loop) {
        return register(loop.eventLoop, READING);
    }

    /** Registers the real server's socket for input and room to write (its connect completing is room to write). */
    boolean registerReadingAndWriting(TcpLoop loop) {
        awaitsRoom = true;
        return register(loop.eventLoop, READING_AND_WRITING);
    }

    /**
     * A write to this socket has to wait: from now on epoll reports room to write too (one epoll_ctl,
     * once). Edge-triggered, nothing is lost meanwhile: the change itself reports room that is there
     * already, and the failed send marked the socket to report room when it comes.
     */
    void awaitRoomToWrite() {
        if (!awaitsRoom) {
            awaitsRoom = true;
            interest(READING_AND_WRITING);
        }
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
