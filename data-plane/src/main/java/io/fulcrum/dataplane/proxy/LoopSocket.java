package io.fulcrum.dataplane.proxy;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A socket of the data path registered directly with one event loop's epoll (no Netty channel): its
 * descriptor and its registration. It leaves epoll marked closed, so leaving costs no
 * {@code epoll_ctl} (the kernel drops a descriptor from epoll when it is closed), and its descriptor
 * is closed at the end of the loop's turn ({@link LoopCloses}).
 */
public abstract class LoopSocket implements EpollIoHandle {
    private final Descriptor descriptor;
    private IoRegistration registration;
    private IoEventLoop loop;

    protected LoopSocket(int fd) {
        this.descriptor = new Descriptor(fd);
    }

    /**
     * Runs {@code work} on {@code loop} and waits for it (binding a socket there, from the thread that
     * applies a snapshot); its IOException comes through as it is.
     */
    public static <T> T onLoop(IoEventLoop loop, Callable<T> work, String what) throws IOException {
        try {
            return loop.submit(work).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + what, e);
        } catch (TimeoutException e) {
            throw new IOException("event loop did not finish " + what + " in time", e);
        }
    }

    @Override
    public final FileDescriptor fd() {
        return descriptor;
    }

    public final int fdValue() {
        return descriptor.intValue();
    }

    public final boolean isOpen() {
        return descriptor.isOpen();
    }

    /**
     * Registers with the loop's epoll for {@code interest}; false if the loop refused (it is shutting
     * down) or epoll_ctl failed (ENOMEM, ENOSPC: the node's limits). On the loop, this completes inline.
     */
    protected final boolean register(IoEventLoop loop, EpollIoOps interest) {
        var future = loop.register(this);
        if (!future.isSuccess()) {
            return false;
        }
        registration = future.getNow();
        this.loop = loop;
        try {
            registration.submit(interest);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Changes what epoll reports for this socket (one epoll_ctl). */
    protected final void interest(EpollIoOps interest) {
        if (registration != null && registration.isValid()) {
            registration.submit(interest);
        }
    }

    /**
     * Leaves epoll and closes the descriptor: on its loop at the end of the loop's turn, so the number
     * is not reused while events for it may still be handed out; elsewhere (never registered) at once.
     * Idempotent.
     */
    public final void closeSocket() {
        if (registration != null && loop.inEventLoop()) {
            if (descriptor.markClosedForLater()) {
                registration.cancel();
                registration = null;
                LoopCloses.closeAfterThisTurn(loop, descriptor.intValue());
            }
            return;
        }
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

    /** A descriptor that can be marked closed (for Netty, which then needs no epoll_ctl to let it go) before it is. */
    private static final class Descriptor extends FileDescriptor {
        Descriptor(int fd) {
            super(fd);
        }

        /** False if it was closed already. */
        boolean markClosedForLater() {
            return markClosed();
        }
    }
}
