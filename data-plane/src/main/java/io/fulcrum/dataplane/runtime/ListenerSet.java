package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.proxy.BoundSocket;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The bound sockets of one virtual service: one SO_REUSEPORT socket per port and event loop (TCP
 * listeners or UDP service sockets), so the kernel spreads accepts and flows across loops (and across
 * nodes sharing the host), and each accepted connection stays on the loop that accepted it.
 */
final class ListenerSet {
    private final List<BoundSocket> sockets;

    private ListenerSet(List<BoundSocket> sockets) {
        this.sockets = sockets;
    }

    /** Binds one socket of a service on one event loop, or fails with the reason. */
    @FunctionalInterface
    interface SocketBinder {
        BoundSocket bind(EventLoop loop, InetSocketAddress address) throws Exception;
    }

    /** Binds everything or nothing: on failure the sockets bound so far are closed. */
    static ListenerSet bind(EventLoopGroup group, VirtualServiceConfig config, SocketBinder binder)
            throws ApplyException {
        List<BoundSocket> bound = new ArrayList<>();
        int currentPort = 0;
        try {
            for (int port : config.ports()) {
                currentPort = port;
                for (EventExecutor executor : group) {
                    bound.add(binder.bind((EventLoop) executor, new InetSocketAddress(config.address(), port)));
                }
            }
            return new ListenerSet(List.copyOf(bound));
        } catch (Exception e) {
            bound.forEach(BoundSocket::close);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ApplyException("virtual service " + config.name() + ": cannot listen on "
                    + config.address().getHostAddress() + ":" + currentPort + ": " + e.getMessage(), e);
        }
    }

    int size() {
        return sockets.size();
    }

    /** Whether every socket is still open (a listener closed underneath, by an error, is not). */
    boolean allOpen() {
        for (BoundSocket socket : sockets) {
            if (!socket.isOpen()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes no new TCP connection without refusing one: their SYNs are dropped and the clients' TCP
     * retries them, while what was accepted goes on. UDP service sockets are left alone: they carry
     * the live flows too. Returns how many listeners could not be quiesced.
     */
    int quiesce() {
        int failed = 0;
        for (BoundSocket socket : sockets) {
            if (!socket.quiesce()) {
                failed++;
            }
        }
        return failed;
    }

    /** Stops accepting; connections already accepted are left to finish. */
    void close() {
        sockets.forEach(BoundSocket::close);
    }
}
