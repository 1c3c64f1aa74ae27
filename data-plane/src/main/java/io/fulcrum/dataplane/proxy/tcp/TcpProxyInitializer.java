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
        // Two descriptors: this client's and, soon, its upstream's. Without them the client is told at
        // once (closed) rather than left in the accept queue, and nothing else on the node runs short.
        int max = service.config().clients().maxConnections();
        if (max > 0 && service.counters().active() >= max) {
            // The service's own limit (about: accepts on other loops may pass it by a few at once).
            service.counters().refused();
            channel.close();
            return;
        }
        if (!service.descriptors().tryAcquire(2)) {
            service.counters().refused();
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> service.descriptors().release(2));
        SpliceRelay.prepare(channel);
        channel.pipeline().addLast(new FrontendHandler(service));
    }
}
