package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.proxy.ProxiedService;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** Sets up each accepted client connection of a TCP virtual service. */
public final class TcpProxyInitializer extends ChannelInitializer<Channel> {
    private final ProxiedService service;

    public TcpProxyInitializer(ProxiedService service) {
        this.service = service;
    }

    @Override
    protected void initChannel(Channel channel) {
        SpliceRelay.prepare(channel);
        long idleMillis = service.config().clientIdleTimeout().toMillis();
        channel.pipeline().addLast(
                new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS),
                new FrontendHandler(service));
    }
}
