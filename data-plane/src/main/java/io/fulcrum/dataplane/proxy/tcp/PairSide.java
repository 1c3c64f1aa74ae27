package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * One socket of a proxied pair (the client's or the real server's) on the event loop's epoll: its
 * descriptor, registered once, edge-triggered, for everything the relay ever waits for (input, the
 * peer's FIN, room to write), so its interest never changes while it lives; and what it has not
 * taken yet. Only the pair's event loop touches it.
 */
final class PairSide implements EpollIoHandle, Runnable {
    /** Input, the peer's FIN, room to write; edge-triggered: each is reported when it changes. */
    private static final EpollIoOps INTEREST = EpollIoOps.valueOf(EpollIoOps.EPOLLIN.value()
            | EpollIoOps.EPOLLOUT.value() | EpollIoOps.EPOLLRDHUP.value() | EpollIoOps.EPOLLET.value());

    final TcpPair pair;
    final int fd;
    private final FileDescriptor descriptor;
    private IoRegistration registration;
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
        this.pair = pair;
        this.fd = fd;
        this.descriptor = new FileDescriptor(fd);
    }

    /** Registers with the loop's epoll; false if the loop refused (it is shutting down). */
    boolean register(TcpLoop loop) {
        var future = loop.eventLoop.register(this);
        // On the event loop registration completes inline.
        if (!future.isSuccess()) {
            return false;
        }
        registration = future.getNow();
        try {
            registration.submit(INTEREST);
            return true;
        } catch (RuntimeException e) {
            return false; // epoll_ctl failed (ENOMEM, ENOSPC: the node's limits); closeSocket cleans up
        }
    }

    boolean hasPending() {
        return pending != null;
    }

    /**
     * Closes the socket, then leaves epoll: a closed descriptor has already left, so no system call is
     * spent removing it.
     */
    void closeSocket() {
        try {
            descriptor.close();
        } catch (IOException e) {
            // EBADF or EINTR: either way the descriptor is gone.
        }
        if (registration != null) {
            registration.cancel();
            registration = null;
        }
    }

    @Override
    public FileDescriptor fd() {
        return descriptor;
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
