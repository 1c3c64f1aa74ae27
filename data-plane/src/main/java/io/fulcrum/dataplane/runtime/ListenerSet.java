package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.proxy.SocketFamily;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.EventExecutor;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The bound sockets of one virtual service: one SO_REUSEPORT socket per port and event loop (TCP
 * listeners or UDP service sockets), so the kernel spreads accepts and flows across loops (and across nodes sharing the host), and each
 * accepted connection stays on the loop that accepted it.
 */
final class ListenerSet {
    private final List<Channel> channels;

    private ListenerSet(List<Channel> channels) {
        this.channels = channels;
    }

    /** Binds one socket of a service on one event loop. */
    @FunctionalInterface
    interface SocketBinder {
        ChannelFuture bind(EventLoop loop, InetSocketAddress address);
    }

    /** TCP listeners whose accepted connections get {@code childHandler}. */
    static SocketBinder tcp(ChannelHandler childHandler) {
        return (loop, address) -> bootstrap(loop, childHandler, address).bind(address);
    }

    /** Binds everything or nothing: on failure the listeners bound so far are closed. */
    static ListenerSet bind(EventLoopGroup group, VirtualServiceConfig config, SocketBinder binder)
            throws ApplyException {
        List<Channel> bound = new ArrayList<>();
        int currentPort = 0;
        try {
            for (int port : config.ports()) {
                currentPort = port;
                for (EventExecutor executor : group) {
                    EventLoop loop = (EventLoop) executor;
                    bound.add(binder.bind(loop, new InetSocketAddress(config.address(), port)).sync().channel());
                }
            }
            return new ListenerSet(List.copyOf(bound));
        } catch (Exception e) {
            bound.forEach(Channel::close);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new ApplyException("virtual service " + config.name() + ": cannot listen on "
                    + config.address().getHostAddress() + ":" + currentPort + ": " + e.getMessage(), e);
        }
    }

    /**
     * Accepted sockets keep TCP_NODELAY, which Netty turns on for every socket channel it creates.
     * IP_FREEBIND: a virtual-service address the host does not hold (yet) is bound all the same, so the
     * standby of a pair (keepalived moving the address) is warm and serves the moment the address arrives.
     */
    private static ServerBootstrap bootstrap(EventLoop loop, ChannelHandler childHandler, InetSocketAddress address) {
        SocketProtocolFamily family = SocketFamily.of(address.getAddress());
        return new ServerBootstrap()
                .group(loop, loop)
                .channelFactory(() -> new EpollServerSocketChannel(family))
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                .option(EpollChannelOption.IP_FREEBIND, true)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .handler(AcceptErrors.INSTANCE)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(childHandler);
    }

    int size() {
        return channels.size();
    }

    /** Whether every socket is still open (a listener closed underneath, by an error, is not). */
    boolean allOpen() {
        for (Channel channel : channels) {
            if (!channel.isOpen()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Takes no new TCP connection without refusing one: their SYNs are dropped (see {@link SynDropFilter})
     * and the clients' TCP retries them, while what was accepted goes on. UDP service sockets are left
     * alone: they carry the live flows too. Returns how many listeners could not be quiesced.
     */
    int quiesce() {
        int failed = 0;
        for (Channel channel : channels) {
            if (channel instanceof EpollServerSocketChannel listener && listener.isOpen()) {
                try {
                    SynDropFilter.attach(listener.fd().intValue());
                } catch (RuntimeException e) {
                    failed++;
                }
            }
        }
        return failed;
    }

    /** Stops accepting; connections already accepted are left to finish. */
    void close() {
        for (Channel channel : channels) {
            channel.close().syncUninterruptibly();
        }
    }
}
