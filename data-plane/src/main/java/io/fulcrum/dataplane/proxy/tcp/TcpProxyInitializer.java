package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.proxy.ProxiedService;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Sets up each accepted client connection of a TCP virtual service. */
public final class TcpProxyInitializer extends ChannelInitializer<Channel> {
    private final ProxiedService service;
    private final LiveConnections live;
    private final ClientConnections perClient = new ClientConnections();

    public TcpProxyInitializer(ProxiedService service, LiveConnections live) {
        this.service = service;
        this.live = live;
    }

    /**
     * Admits the client or closes it at once (counted as refused): the service's own connection limit,
     * the per-client limit, then two descriptors from the node's budget (this client's and, soon, its
     * upstream's). A refused client learns at once instead of waiting in the accept queue.
     */
    @Override
    protected void initChannel(Channel channel) {
        int max = service.config().clients().maxConnections();
        // About: accepts on other loops may pass the service's limit by a few at once.
        if (max > 0 && service.counters().active() >= max) {
            refuse(channel);
            return;
        }
        int perClientLimit = service.config().clients().maxConnectionsPerClient();
        if (perClientLimit > 0) {
            InetAddress client = ((InetSocketAddress) channel.remoteAddress()).getAddress();
            if (!perClient.tryOpen(client, perClientLimit)) {
                refuse(channel);
                return;
            }
            channel.closeFuture().addListener(closed -> perClient.closed(client));
        }
        if (!service.descriptors().tryAcquire(2)) {
            refuse(channel);
            return;
        }
        channel.closeFuture().addListener(closed -> service.descriptors().release(2));
        live.add(channel);
        SpliceRelay.prepare(channel);
        channel.pipeline().addLast(new FrontendHandler(service));
    }

    private void refuse(Channel channel) {
        service.counters().refused();
        channel.close();
    }
}
