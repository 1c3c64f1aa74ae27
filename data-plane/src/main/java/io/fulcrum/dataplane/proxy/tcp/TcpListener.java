package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.os.Errno;
import io.fulcrum.dataplane.os.SocketCalls;
import io.fulcrum.dataplane.proxy.BoundSocket;
import io.fulcrum.dataplane.proxy.LoopSocket;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One listening socket of a TCP virtual service on one event loop. Bound with SO_REUSEPORT, so the
 * kernel spreads connections over the loops (and over the nodes sharing the host), and IP_FREEBIND, so
 * an address keepalived has not moved here yet is bound all the same and the standby of a pair is warm.
 * Accepted sockets inherit TCP_NODELAY from it. Each client is admitted or closed at once (counted as
 * refused): the service's connection limit, the per-client limit, then two descriptors from the node's
 * budget (this client's and its upstream's); a refused client learns at once instead of waiting in the
 * accept queue. Everything but {@link #quiesce} runs on its event loop.
 */
final class TcpListener extends LoopSocket implements BoundSocket {
    private static final int BACKLOG = 4096;
    /** Accepts per wake-up before the loop serves the connections it already has. */
    private static final int ACCEPTS_PER_WAKEUP = 64;
    /** After the process ran out of descriptors (or memory): how long accepting pauses before trying again. */
    private static final long PAUSE_AFTER_SHORTAGE_MILLIS = 10;
    private static final EpollIoOps ACCEPTING = EpollIoOps.EPOLLIN;
    /** An interest nothing triggers: errors are reported whatever the interest. */
    private static final EpollIoOps PAUSED = EpollIoOps.EPOLLERR;

    private final TcpLoop loop;
    private final TcpListeners service;
    private final InetAddress address;
    private final int port;
    private final String name;

    private TcpListener(TcpLoop loop, TcpListeners service, InetSocketAddress bound, int fd) {
        super(fd);
        this.loop = loop;
        this.service = service;
        this.address = bound.getAddress();
        this.port = bound.getPort();
        this.name = address.getHostAddress() + ":" + port;
    }

    /** Binds and registers a listener on the loop (the work runs there); fails with the reason. */
    static TcpListener bind(TcpLoop loop, TcpListeners service, InetSocketAddress address) throws IOException {
        return onLoop(loop.eventLoop, () -> bindOnLoop(loop, service, address), "binding " + address);
    }

    private static TcpListener bindOnLoop(TcpLoop loop, TcpListeners service, InetSocketAddress address)
            throws IOException {
        SocketCalls calls = loop.calls;
        InetAddress ip = address.getAddress();
        int fd = calls.tcpSocket(ip);
        if (fd < 0) {
            throw new IOException("socket: " + Errno.describe(calls.errno()));
        }
        if (calls.shareAndBindFreely(fd, ip) < 0
                || calls.setInt(fd, SocketCalls.IPPROTO_TCP, SocketCalls.TCP_NODELAY, 1) < 0
                || calls.bind(fd, ip, address.getPort()) < 0
                || calls.listen(fd, BACKLOG) < 0) {
            int errno = calls.errno();
            calls.close(fd);
            throw new IOException(Errno.describe(errno));
        }
        TcpListener listener = new TcpListener(loop, service, address, fd);
        if (!listener.register(loop.eventLoop, ACCEPTING)) {
            listener.closeSocket();
            throw new IOException("the event loop could not take the listener");
        }
        return listener;
    }

    TcpLoop loop() {
        return loop;
    }

    ProxiedService service() {
        return service.service();
    }

    InetAddress address() {
        return address;
    }

    int port() {
        return port;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        loop.acceptsStarted();
        try {
            acceptAll();
        } finally {
            loop.acceptsEnded();
        }
    }

    private void acceptAll() {
        SocketCalls calls = loop.calls;
        for (int i = 0; i < ACCEPTS_PER_WAKEUP && isOpen(); i++) {
            int fd = calls.accept(fdValue());
            if (fd >= 0) {
                admit(fd, calls.acceptedAddress(), calls.acceptedPort());
                continue;
            }
            int errno = calls.errno();
            if (errno == Errno.EAGAIN) {
                return;
            }
            if (errno == Errno.EINTR || errno == Errno.ECONNABORTED) {
                continue;
            }
            AcceptErrors.record(name, Errno.describe(errno));
            if (Errno.isLocal(errno)) {
                // Readiness is level-triggered: accepting again at once would fail again at once.
                pauseAccepting();
            }
            return;
        }
    }

    private void pauseAccepting() {
        interest(PAUSED);
        loop.eventLoop.schedule(() -> interest(ACCEPTING), PAUSE_AFTER_SHORTAGE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void admit(int fd, InetAddress client, int clientPort) {
        VirtualServiceConfig config = service.service().config();
        int max = config.clients().maxConnections();
        // About: accepts on other loops may pass the service's limit by a few at once.
        if (max > 0 && service.service().counters().active() >= max) {
            refuse(fd);
            return;
        }
        int perClientLimit = config.clients().maxConnectionsPerClient();
        boolean perClient = perClientLimit > 0;
        if (perClient && !service.perClient().tryOpen(client, perClientLimit)) {
            refuse(fd);
            return;
        }
        if (!service.service().descriptors().tryAcquire(2)) {
            if (perClient) {
                service.perClient().closed(client);
            }
            refuse(fd);
            return;
        }
        new TcpPair(this, fd, client, clientPort, perClient).start();
    }

    private void refuse(int fd) {
        service.service().counters().refused();
        loop.calls.close(fd);
    }

    /** Gives back what the pair's admission took. */
    void pairClosed(TcpPair pair) {
        if (pair.countedPerClient) {
            service.perClient().closed(pair.clientAddress);
        }
        service.service().descriptors().release(2);
    }

    @Override
    public boolean quiesce() {
        if (!isOpen()) {
            return true;
        }
        try {
            SynDropFilter.attach(fdValue());
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (loop.eventLoop.inEventLoop()) {
            closeSocket();
        } else if (!loop.eventLoop.isShuttingDown()) {
            loop.eventLoop.submit(this::closeSocket).syncUninterruptibly();
        }
    }

    @Override
    public String toString() {
        return "listener " + name;
    }
}
