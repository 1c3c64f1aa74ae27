package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;

/** A TCP connect to the real server, closed as soon as it succeeds. */
final class ConnectProbe implements HealthProbe {

    @Override
    public Future<ProbeResult> check(EventLoop loop, InetSocketAddress target, HealthCheckConfig config) {
        Promise<ProbeResult> result = loop.newPromise();
        long timeoutMillis = config.timeout().toMillis();
        new Bootstrap()
                .group(loop)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .option(ChannelOption.SO_LINGER, 0)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(target)
                .addListener((ChannelFuture future) -> {
                    if (future.isSuccess()) {
                        future.channel().close();
                        result.trySuccess(ProbeResult.passed("connect succeeded"));
                    } else {
                        result.trySuccess(HealthProbe.connectFailure(future.cause(), timeoutMillis));
                    }
                });
        return result;
    }
}
