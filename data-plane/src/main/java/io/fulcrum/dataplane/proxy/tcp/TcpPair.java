package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.os.Errno;
import io.fulcrum.dataplane.os.SocketCalls;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ScheduledFuture;

import java.lang.System.Logger.Level;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One client connection and the upstream connection serving it, relayed socket to socket on one
 * event loop. The upstream is chosen ({@link UpstreamChoice}) and connected before anything is read
 * from the client, so a failed connect that a retry fixes is never seen; then each side's input goes
 * to the other through the loop's one buffer, and only what a full socket cannot take yet is kept,
 * while its source is not read. A FIN is passed on once everything before it is written (with the
 * last bytes, when they are known to be the last); the pair closes when both directions have ended,
 * when it was idle for its timeout ({@link PairTimeouts}), or on a reset. Everything here runs on the
 * pair's event loop, so its plain fields need no synchronisation.
 */
final class TcpPair implements Runnable {
    /** Full reads per side and wake-up before the loop serves others (1 MiB). */
    private static final int MAX_READS = 1024 * 1024 / TcpLoop.READ;
    /** EPOLLHUP: both directions are shut (the peer reset, or sent its FIN after ours). */
    private static final int HANGUP = 0x10;
    private static final int ERROR = EpollIoOps.EPOLLERR.value();
    private static final int WRITABLE = EpollIoOps.EPOLLOUT.value();
    private static final int INPUT = EpollIoOps.EPOLLIN.value() | EpollIoOps.EPOLLRDHUP.value() | ERROR | HANGUP;
    private static final int FIN = EpollIoOps.EPOLLRDHUP.value() | HANGUP;
    private static final System.Logger LOG = System.getLogger(TcpPair.class.getName());

    private final TcpListener listener;
    private final TcpLoop loop;
    private final SocketCalls calls;
    private final ProxiedService service;
    private final VirtualServiceConfig config;
    private final ServiceCounters counters;
    final PairSide client;
    final InetAddress clientAddress;
    final int clientPort;
    /** Counted against the service's per-client limit at admission (given back at close). */
    final boolean countedPerClient;
    private PairSide server;
    private final UpstreamChoice upstream;
    private boolean connecting;
    private long connectStartedNanos;
    private boolean finishing;
    private boolean closed;
    private final PairTimeouts timeouts;
    private ScheduledFuture<?> timer;
    /** Neighbours in the loop's list of live pairs. */
    TcpPair older;
    TcpPair newer;

    TcpPair(TcpListener listener, int fd, InetAddress clientAddress, int clientPort, boolean countedPerClient) {
        this.listener = listener;
        this.loop = listener.loop();
        this.calls = loop.calls;
        this.service = listener.service();
        this.config = service.config();
        this.counters = service.counters();
        this.client = new PairSide(this, fd);
        this.clientAddress = clientAddress;
        this.clientPort = clientPort;
        this.countedPerClient = countedPerClient;
        this.timeouts = new PairTimeouts(config);
        this.upstream = new UpstreamChoice(service, clientAddress, listener.port());
        counters.connectionOpened();
    }

    /** Registers the client's socket and queues the upstream connect; false if the loop refused it. */
    boolean start() {
        loop.added(this);
        if (!client.registerReading(loop)) {
            close();
            return false;
        }
        loop.connectSoon(this);
        return true;
    }

    boolean closed() {
        return closed;
    }

    // ---- connecting ----

    /** Connects to the next real server not tried yet, the fallback after them, else refuses the client. */
    void connectUpstream() {
        if (closed || finishing) {
            return;
        }
        if (upstream.first() && timer == null) {
            // The pair's one timer, at its first deadline: the first connect's timeout or the idle one.
            armTimer(Math.min(timeouts.idleNanos(), timeouts.connectNanos()));
        }
        if (!upstream.next()) {
            refuse();
            return;
        }
        startConnect(upstream.address(), upstream.port());
    }

    private void startConnect(InetAddress address, int port) {
        int fd = calls.tcpSocket(address);
        if (fd < 0) {
            connectFailed(calls.errno());
            return;
        }
        calls.setInt(fd, SocketCalls.IPPROTO_TCP, SocketCalls.TCP_NODELAY, 1);
        if (calls.connect(fd, address, port) < 0 && calls.errno() != Errno.EINPROGRESS) {
            int error = calls.errno();
            calls.close(fd);
            connectFailed(error);
            return;
        }
        server = new PairSide(this, fd);
        connecting = true;
        connectStartedNanos = System.nanoTime();
        if (!server.registerReadingAndWriting(loop)) {
            connectFailed(Errno.ENOMEM);
        }
    }

    private void onConnectEvent(int ops) {
        if ((ops & ERROR) == 0 && (ops & WRITABLE) != 0) {
            connected(ops);
            return;
        }
        if ((ops & (ERROR | HANGUP)) != 0) {
            int error = calls.getInt(server.fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_ERROR);
            if (error == 0 && (ops & WRITABLE) != 0) {
                connected(ops);
            } else {
                connectFailed(error > 0 ? error : Errno.ECONNREFUSED);
            }
        }
    }

    private void connected(int ops) {
        connecting = false;
        upstream.connected();
        if (timeouts.upstreamJoined()) {
            // The real server's timeout is the shorter one: the check comes sooner.
            cancelTimer();
            armTimer(timeouts.idleNanos());
        }
        noteInput(server, ops);
        if (config.proxyProtocol()) {
            byte[] header = ProxyProtocolV2.header(clientAddress, clientPort, listener.address(), listener.port());
            server.pending = loop.takeChunk(header.length);
            MemorySegment.copy(header, 0, server.pending, ValueLayout.JAVA_BYTE, 0, header.length);
            server.pendingOffset = 0;
            server.pendingLength = header.length;
        }
        pump();
    }

    /** The connect failed: the next upstream is tried; nothing was read from the client yet. */
    private void connectFailed(int errno) {
        if (server != null) {
            server.closeSocket();
            server = null;
        }
        connecting = false;
        upstream.failed(errno);
        connectUpstream();
    }

    private void refuse() {
        counters.refused();
        close();
    }

    // ---- relaying ----

    void onEvent(PairSide side, int ops) {
        if (closed) {
            return;
        }
        if (side == server && connecting) {
            onConnectEvent(ops);
            return;
        }
        noteInput(side, ops);
        if (side == client && (server == null || connecting) && !finishing) {
            // Read once the upstream is there; a client that is gone altogether (reset) needs none.
            if ((ops & (HANGUP | ERROR)) != 0) {
                close();
            }
            return;
        }
        pump();
    }

    private static void noteInput(PairSide side, int ops) {
        if ((ops & INPUT) != 0) {
            side.readable = true;
            if ((ops & FIN) != 0) {
                side.finSeen = true;
            }
        }
    }

    /** A side yielded to the rest of the loop with input left; it goes on now. */
    void resume(PairSide side) {
        if (!closed && server != null && !connecting) {
            pump();
        }
    }

    /**
     * Moves whatever can move now: what waits for each side first, then each side's new input (while
     * finishing, input is read and dropped whether or not the other side still has to take something).
     */
    private void pump() {
        if (server == null) {
            if (finishing) {
                transfer(client, null);
            }
            return;
        }
        boolean serverFlushed = flush(server);
        if (!closed && (serverFlushed || finishing)) {
            transfer(client, server);
        }
        boolean clientFlushed = !closed && flush(client);
        if (!closed && (clientFlushed || finishing)) {
            transfer(server, client);
        }
    }

    /** Writes what waits for {@code side}; true when nothing waits any more and the pair lives. */
    private boolean flush(PairSide side) {
        if (closed) {
            return false;
        }
        if (side.pending == null) {
            return true;
        }
        long sent = calls.send(side.fd, side.pending.address() + side.pendingOffset, side.pendingLength,
                side.shutWhenFlushed ? SocketCalls.MSG_MORE : 0);
        if (sent < 0) {
            if (calls.errno() != Errno.EAGAIN) {
                close();
            }
            return false;
        }
        side.pendingOffset += sent;
        side.pendingLength -= sent;
        if (side.pendingLength > 0) {
            return false;
        }
        loop.giveBack(side.pending);
        side.pending = null;
        if (side.shutWhenFlushed) {
            side.shutWhenFlushed = false;
            shutdownOutput(side);
        }
        closeIfDone();
        return !closed;
    }

    /**
     * Reads {@code from} and writes each chunk to {@code to} until one of them has to wait; while
     * finishing, reads and drops ({@code to} may then be null).
     */
    private void transfer(PairSide from, PairSide to) {
        if (!from.readable || from.inputDone || (!finishing && to.hasPending())) {
            return;
        }
        timeouts.activity();
        for (int reads = 0; reads < MAX_READS; reads++) {
            long read = calls.recv(from.fd, loop.buffer, TcpLoop.READ);
            if (read > 0) {
                countRead(from, read);
                boolean drained = read < TcpLoop.READ;
                // The FIN was seen and the input is read to its end: these are the last bytes.
                boolean last = drained && from.finSeen;
                if (drained) {
                    from.readable = false;
                }
                if (!finishing && !write(to, read, last)) {
                    if (last && !closed) {
                        inputEnded(from);
                    }
                    return;
                }
                if (last) {
                    inputEnded(from);
                    return;
                }
                if (drained) {
                    return;
                }
            } else if (read == 0) {
                inputEnded(from);
                return;
            } else if (calls.errno() == Errno.EAGAIN) {
                from.readable = false;
                return;
            } else if (calls.errno() != Errno.EINTR) {
                // A reset: the pair is over.
                close();
                return;
            }
        }
        // Input is left: serve the rest of the loop first, then read on.
        loop.eventLoop.execute(from);
    }

    /**
     * Sends {@code length} bytes of the loop's buffer to {@code to}, the last ones with MSG_MORE so our
     * FIN, sent right after, leaves in the same segment. Keeps what it could not take; false then (or
     * when the pair closed on a failed send).
     */
    private boolean write(PairSide to, long length, boolean last) {
        long sent = calls.send(to.fd, loop.buffer, length, last ? SocketCalls.MSG_MORE : 0);
        if (sent == length) {
            return true;
        }
        if (sent < 0) {
            if (calls.errno() != Errno.EAGAIN) {
                close();
                return false;
            }
            sent = 0;
        }
        to.pendingLength = length - sent;
        to.pending = loop.takeChunk(to.pendingLength);
        to.pendingOffset = 0;
        MemorySegment.copy(loop.bufferSegment, sent, to.pending, 0, to.pendingLength);
        to.awaitRoomToWrite();
        return false;
    }

    private void countRead(PairSide from, long bytes) {
        RealServer realServer = upstream.server();
        if (from == client) {
            timeouts.clientSpoke();
            counters.addBytesIn(bytes);
            if (realServer != null) {
                realServer.addBytesIn(bytes);
            }
        } else {
            counters.addBytesOut(bytes);
            if (realServer != null) {
                realServer.addBytesOut(bytes);
            }
        }
    }

    /** {@code from} sent its FIN and everything before it was read: pass it on once that is written. */
    private void inputEnded(PairSide from) {
        from.inputDone = true;
        from.readable = false;
        PairSide to = from == client ? server : client;
        if (finishing || to.inputDone) {
            closeIfDone();
        } else if (to.hasPending()) {
            to.shutWhenFlushed = true;
        } else {
            shutdownOutput(to);
        }
    }

    private void shutdownOutput(PairSide side) {
        if (side.outputShut || closed) {
            return;
        }
        side.outputShut = true;
        if (calls.shutdown(side.fd, SocketCalls.SHUT_WR) < 0) {
            // ENOTCONN: the peer reset the connection before our FIN; the pair is over either way.
            close();
        }
    }

    private void closeIfDone() {
        if (client.inputDone && !client.hasPending()
                && (server == null || (server.inputDone && !server.hasPending()))) {
            close();
        }
    }

    // ---- ending ----

    /**
     * The node is stopping and its drain deadline has passed: each side gets our FIN once what waits
     * for it is written, what they still send is read and dropped (a socket closed with unread input
     * would send RST), and the pair closes when both have answered with their FIN, or after
     * {@code linger}. An upstream connect still under way is abandoned.
     */
    void finish(Duration linger) {
        if (closed || finishing) {
            return;
        }
        finishing = true;
        cancelTimer();
        armTimer(linger.toNanos());
        if (server != null && connecting) {
            connecting = false;
            server.closeSocket();
            server = null;
            upstream.release();
        }
        finishSide(client);
        if (server != null) {
            finishSide(server);
        }
        // Whatever they sent meanwhile is read now (and dropped), so a new edge reports the rest.
        if (!closed) {
            client.readable = true;
            transfer(client, server);
        }
        if (!closed && server != null) {
            server.readable = true;
            transfer(server, client);
        }
    }

    private void finishSide(PairSide side) {
        if (side.hasPending()) {
            side.shutWhenFlushed = true;
        } else {
            shutdownOutput(side);
        }
    }

    /** The pair's one timer: the connect timeout, the idle timeout, and the linger of a finish. */
    @Override
    public void run() {
        timer = null;
        if (closed) {
            return;
        }
        if (finishing) {
            close();
            return;
        }
        long now = System.nanoTime();
        if (connecting && now - connectStartedNanos >= timeouts.connectNanos()) {
            connectFailed(Errno.ETIMEDOUT);
            if (closed) {
                return;
            }
            now = System.nanoTime();
        }
        long idleFor = timeouts.idleFor(now);
        if (idleFor >= timeouts.idleNanos()) {
            LOG.log(Level.DEBUG, timeouts.awaitingFirstByte() ? "closing connection from {0}: no first byte in time"
                    : "closing idle connection from {0}", clientAddress);
            close();
            return;
        }
        long next = timeouts.idleNanos() - idleFor;
        if (connecting) {
            next = Math.min(next, connectStartedNanos + timeouts.connectNanos() - now);
        }
        armTimer(next);
    }

    private void armTimer(long delayNanos) {
        timer = loop.eventLoop.schedule(this, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Closes both sockets at once and gives back everything the pair held; idempotent. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimer();
        closeSide(client);
        if (server != null) {
            closeSide(server);
        }
        upstream.release();
        loop.removed(this);
        listener.pairClosed(this);
        // Last: whoever sees the service's count drop (the status API, admission on another loop) finds
        // everything else given back already, the client address's place among them.
        counters.connectionClosed();
    }

    private void closeSide(PairSide side) {
        if (side.pending != null) {
            loop.giveBack(side.pending);
            side.pending = null;
        }
        side.closeSocket();
    }
}
