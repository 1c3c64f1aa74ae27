package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;

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
    private boolean spliced;
    private long bytesAtLastIdleCheck;
    private long bytesMoved;

    ProxiedConnection(Channel frontend, ServiceCounters counters) {
        this.frontend = frontend;
        this.counters = counters;
        counters.connectionOpened();
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

    /**
     * Joins the connected upstream channel (realServer null for the fallback) and starts the relay;
     * the reservation on realServer now belongs to this connection and is released on close.
     */
    void attach(Channel upstream, RealServer server, ByteBuf proxyHeader) {
        this.backend = upstream;
        this.realServer = server;
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
        frontend.read();
        upstream.read();
    }

    private void startSplice() {
        spliced = true;
        SpliceRelay.start(frontend, backend);
    }

    boolean spliced() {
        return spliced;
    }

    /** Adds what splice moved since the last call to the byte counters (spliced bytes bypass channelRead). */
    void countSpliced() {
        if (!spliced) {
            return;
        }
        countRead(frontend, SpliceRelay.takeBytesRead(frontend));
        countRead(backend, SpliceRelay.takeBytesRead(backend));
    }

    /**
     * Idle check for a spliced pair: spliced bytes pass no handler, so the idle timer cannot see
     * them; the pair is idle only when no byte moved since the previous idle event.
     */
    boolean idleSinceLastCheck() {
        if (!spliced) {
            return true;
        }
        countSpliced();
        boolean idle = bytesMoved == bytesAtLastIdleCheck;
        bytesAtLastIdleCheck = bytesMoved;
        return idle;
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
            } else if (to instanceof DuplexChannel duplex && to.isActive()) {
                duplex.shutdownOutput();
            }
        });
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        countSpliced();
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
