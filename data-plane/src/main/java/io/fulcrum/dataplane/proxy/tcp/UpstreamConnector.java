package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.Endpoint;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.SocketFamily;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollSocketChannelConfig;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;

/**
 * Opens the upstream connection for one client: up to three real servers, each one not tried
 * before, then the fallback, else the client is closed. A failure that a retry fixes is never
 * visible to the client, because nothing has been read from it yet.
 */
final class UpstreamConnector {
    static final int MAX_TRIES = 3;
    private static final System.Logger LOG = System.getLogger(UpstreamConnector.class.getName());

    private final ProxiedService service;
    private final VirtualServiceConfig config;
    private final ProxiedConnection connection;
    private final InetSocketAddress client;
    private final InetSocketAddress local;
    private final Set<RealServer> tried = new HashSet<>(4);

    UpstreamConnector(ProxiedService service, ProxiedConnection connection) {
        this.service = service;
        this.config = service.config();
        this.connection = connection;
        this.client = (InetSocketAddress) connection.frontend().remoteAddress();
        this.local = (InetSocketAddress) connection.frontend().localAddress();
    }

    void start() {
        tryNextRealServer();
    }

    private void tryNextRealServer() {
        if (!connection.wantsUpstream()) {
            return;
        }
        RealServer server = tried.size() < MAX_TRIES ? service.selector().select(client.getAddress(), tried) : null;
        if (server == null) {
            tryFallback();
            return;
        }
        if (!tried.isEmpty()) {
            service.counters().retried();
        }
        tried.add(server);
        InetSocketAddress target = target(server.config().address(), server.config().port());
        connect(target).addListener((ChannelFuture future) -> {
            if (!future.isSuccess()) {
                server.connectFailed();
                server.release();
                if (theServersFault(future.cause())) {
                    server.upstreamFailed("connect to " + target + ": " + future.cause().getMessage());
                }
                LOG.log(Level.DEBUG, "connect to {0} failed: {1}", server, future.cause().toString());
                tryNextRealServer();
            } else if (!connection.wantsUpstream()) {
                future.channel().close();
                server.release();
            } else {
                server.connectionEstablished();
                server.upstreamAnswered();
                service.selector().connected(client.getAddress(), server);
                connection.attach(future.channel(), server, proxyHeader(future.channel()));
            }
        });
    }

    /**
     * A refused or timed-out connect is the server's (or its host's) doing; a socket the node could not
     * create (no file descriptors, no buffers) is the node's, and must never take a real server down.
     */
    static boolean theServersFault(Throwable cause) {
        if (io.fulcrum.dataplane.health.LocalFailure.is(cause)) {
            return false;
        }
        return cause instanceof java.net.ConnectException || cause instanceof io.netty.channel.ConnectTimeoutException
                || cause instanceof java.net.NoRouteToHostException;
    }

    private void tryFallback() {
        Endpoint fallback = config.fallback();
        if (fallback == null) {
            refuse();
            return;
        }
        connect(target(fallback.address(), fallback.port())).addListener((ChannelFuture future) -> {
            if (!future.isSuccess()) {
                LOG.log(Level.DEBUG, "connect to fallback {0} failed: {1}", fallback, future.cause().toString());
                refuse();
            } else if (!connection.wantsUpstream()) {
                future.channel().close();
            } else {
                service.counters().fallbackUsed();
                connection.attach(future.channel(), null, proxyHeader(future.channel()));
            }
        });
    }

    private void refuse() {
        service.counters().refused();
        connection.close();
    }

    /**
     * Creates, registers and connects the upstream channel by hand rather than through a Bootstrap:
     * on the event loop registration completes inline, and a connection per client is the hot path
     * of short-lived traffic. TCP_NODELAY is on, as Netty sets it on every socket channel.
     */
    private ChannelFuture connect(InetSocketAddress target) {
        Channel frontend = connection.frontend();
        EpollSocketChannel channel = new EpollSocketChannel(SocketFamily.of(target.getAddress()));
        EpollSocketChannelConfig options = channel.config();
        options.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()));
        options.setAutoRead(false);
        options.setAllowHalfClosure(true);
        BackendPipeline.install(channel, connection);
        // Same event loop as the client: the pair never needs cross-thread hand-offs.
        ChannelFuture registered = frontend.eventLoop().register(channel);
        if (registered.isDone() && !registered.isSuccess()) {
            channel.unsafe().closeForcibly();
            return channel.newFailedFuture(registered.cause());
        }
        // As a Bootstrap would: a channel whose connect failed is closed before the next try.
        return channel.connect(target).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    // Port 0 follows the port the client connected to.
    private InetSocketAddress target(InetAddress address, int port) {
        return new InetSocketAddress(address, port == 0 ? local.getPort() : port);
    }

    private ByteBuf proxyHeader(Channel upstream) {
        return config.proxyProtocol() ? ProxyProtocolV2.header(upstream.alloc(), client, local) : null;
    }
}
