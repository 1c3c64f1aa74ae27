package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.proxy.ProxiedService;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Sets up each accepted client connection of a TCP virtual service. */
public final class TcpProxyInitializer extends ChannelInitializer<Channel> {
    private final ProxiedService service;

    public TcpProxyInitializer(ProxiedService service) {
        this.service = service;
    }

    @Override
    protected void initChannel(Channel channel) {
        SpliceRelay.prepare(channel);
        channel.pipeline().addLast(new FrontendHandler(service));
    }
}
