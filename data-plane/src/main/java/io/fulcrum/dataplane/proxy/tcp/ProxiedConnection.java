package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;
import java.nio.channels.NotYetConnectedException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One client connection and the upstream connection serving it: accounts both sides exactly
 * once and orchestrates half-close. Both channels live on the same event loop, so its plain
 * fields are never touched concurrently.
 */
final class ProxiedConnection {
    private final Channel frontend;
    private final ServiceCounters counters;
    private Channel backend;
    private RealServer realServer;
    private boolean frontendInputDone;
    private boolean backendInputDone;
    private boolean closed;
    private boolean finishing;
    private boolean spliced;
    private boolean frontendDraining;
    private boolean backendDraining;
    private long bytesMoved;
    private long bytesAtIdleCheck;
    private final IdleTimer idle;

    ProxiedConnection(Channel frontend, ServiceCounters counters, Duration clientIdle, Duration serverIdle,
                      Duration firstByte) {
        this.frontend = frontend;
        this.counters = counters;
        counters.connectionOpened();
        this.idle = new IdleTimer(this, frontend.eventLoop(), clientIdle, serverIdle, firstByte);
    }

    Channel frontend() {
        return frontend;
    }

    Channel backend() {
        return backend;
    }

    boolean closed() {
        return closed;
    }

    /** Whether an upstream connect that completes now should still be joined to this client. */
    boolean wantsUpstream() {
        return !closed && !finishing;
    }

    /** The node is ending this pair: what either side still sends is read and dropped. */
    boolean discardingInput() {
        return finishing;
    }

    /**
     * The node is stopping and its drain deadline has passed: each side gets our FIN once what is
     * queued for it is written, what they still send is dropped (a socket closed with unread input
     * would send RST), and the pair closes when both have answered with their FIN, or after
     * {@code linger}. An upstream connect still under way is abandoned.
     */
    void finish(Duration linger) {
        if (closed || finishing) {
            return;
        }
        finishing = true;
        idle.cancel();
        frontend.eventLoop().schedule(this::close, linger.toNanos(), TimeUnit.NANOSECONDS);
        finishSide(frontend, frontendInputDone);
        if (backend != null) {
            finishSide(backend, backendInputDone);
        }
    }

    private void finishSide(Channel side, boolean inputDone) {
        if (!side.isActive()) {
            sideFinished(side);
            return;
        }
        if (!inputDone) {
            side.config().setAutoRead(true);
        }
        side.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(future -> {
            if (future.isSuccess() && side.isActive()) {
                shutdownOutput(side);
            }
        });
    }

    /** While finishing: {@code side} sent its FIN or is gone; the pair closes once both are. */
    private void sideFinished(Channel side) {
        if (side == frontend) {
            frontendInputDone = true;
        } else {
            backendInputDone = true;
        }
        if (frontendInputDone && (backend == null || backendInputDone)) {
            close();
        }
    }

    /**
     * Joins the connected upstream channel (realServer null for the fallback) and starts the relay;
     * the reservation on realServer now belongs to this connection and is released on close.
     */
    void attach(Channel upstream, RealServer server, ByteBuf proxyHeader) {
        this.backend = upstream;
        this.realServer = server;
        idle.upstreamJoined();
        boolean splice = SpliceRelay.possible(frontend, upstream);
        if (proxyHeader != null) {
            // The header goes out through the pipeline first; splicing may only start once it is written.
            upstream.writeAndFlush(proxyHeader).addListener((ChannelFutureListener) future -> {
                if (!future.isSuccess()) {
                    upstream.pipeline().fireExceptionCaught(future.cause());
                } else if (splice && !closed) {
                    startSplice();
                }
            });
            if (splice) {
                return;
            }
        } else if (splice) {
            startSplice();
            return;
        }
        // Reading starts only now: nothing was read from the client before the upstream existed.
        frontend.config().setAutoRead(true);
        upstream.config().setAutoRead(true);
    }

    private void startSplice() {
        spliced = true;
        SpliceRelay.start(frontend, backend);
    }

    boolean spliced() {
        return spliced;
    }

    /**
     * After a spliced read pass: counts what splice moved (it bypasses channelRead) and, once a
     * half-closed side has nothing left to read, passes its FIN on.
     */
    void splicedReadComplete(Channel channel) {
        long bytes = SpliceRelay.takeBytesRead(channel);
        countRead(channel, bytes);
        boolean draining = channel == frontend ? frontendDraining : backendDraining;
        // AUTO_READ off means splice is waiting for the peer to take what it already has.
        if (draining && bytes == 0 && channel.config().isAutoRead()) {
            if (channel == frontend) {
                frontendDraining = false;
            } else {
                backendDraining = false;
            }
            channel.config().setAutoRead(false);
            forwardShutdown(channel);
        }
    }

    /** Bytes were relayed: the pair is not idle. */
    void activity() {
        idle.activity();
    }

    /**
     * For the idle check of a spliced pair: spliced bytes pass no handler, so only the counting
     * allocators know whether any moved since the previous check.
     */
    boolean splicedBytesMovedSinceLastCheck() {
        if (!spliced) {
            return false;
        }
        countRead(frontend, SpliceRelay.takeBytesRead(frontend));
        countRead(backend, SpliceRelay.takeBytesRead(backend));
        boolean moved = bytesMoved != bytesAtIdleCheck;
        bytesAtIdleCheck = bytesMoved;
        return moved;
    }

    Channel peerOf(Channel channel) {
        return channel == frontend ? backend : frontend;
    }

    void countRead(Channel from, long bytes) {
        if (bytes == 0) {
            return;
        }
        bytesMoved += bytes;
        if (from == frontend) {
            idle.clientSpoke();
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

    /** One side sent FIN: pass it on once everything it sent is written, close when both did. */
    void inputShutdown(Channel from) {
        if (finishing) {
            sideFinished(from);
            return;
        }
        if (spliced) {
            // Netty shuts a spliced socket's input on the FIN even with data still queued in it;
            // keep splicing until it is empty (see splicedReadComplete), then pass the FIN on.
            if (from == frontend) {
                frontendDraining = true;
            } else {
                backendDraining = true;
            }
            from.read();
            return;
        }
        forwardShutdown(from);
    }

    private void forwardShutdown(Channel from) {
        if (from == frontend) {
            frontendInputDone = true;
        } else {
            backendInputDone = true;
        }
        Channel to = peerOf(from);
        if (to == null) {
            close();
            return;
        }
        boolean bothDone = frontendInputDone && backendInputDone;
        // The empty write completes after every earlier write, so nothing queued is cut off.
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(future -> {
            if (bothDone || !future.isSuccess()) {
                close();
            } else if (to.isActive()) {
                shutdownOutput(to);
            }
        });
    }

    /**
     * Sends {@code to} our FIN. On a buffered pair this goes straight to the socket, because Netty's
     * shutdownOutput allocates an exception with a stack trace on every call; and the channel stops
     * allowing half-closure, so its own FIN, which now ends the pair, makes Netty close it rather than
     * shut its input (which fails, with one more exception, on a socket already closed both ways).
     * A spliced pair keeps Netty's path: its FIN must not close it while the pipe still holds bytes.
     */
    private void shutdownOutput(Channel to) {
        if (!spliced && to instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            try {
                socket.shutdown(false, true);
                ((DuplexChannelConfig) to.config()).setAllowHalfClosure(false);
            } catch (IOException | NotYetConnectedException e) {
                // ENOTCONN: the peer reset the connection before our FIN (a client that half-closes and
                // then resets, as ab does); the pair is over either way.
                close();
            }
        } else if (to instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
    }

    /**
     * One side is gone (closed by its peer, reset, or its FIN after our own): whatever was already
     * read from it is delivered to the other side before the pair closes.
     */
    void ended(Channel gone) {
        if (finishing && !closed) {
            sideFinished(gone);
            return;
        }
        Channel peer = peerOf(gone);
        if (closed || peer == null || !peer.isActive()) {
            close();
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(future -> close());
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        idle.cancel();
        if (spliced) {
            countRead(frontend, SpliceRelay.takeBytesRead(frontend));
            countRead(backend, SpliceRelay.takeBytesRead(backend));
        }
        counters.connectionClosed();
        frontend.close();
        if (backend != null) {
            backend.close();
        }
        if (realServer != null) {
            realServer.release();
        }
    }
}
