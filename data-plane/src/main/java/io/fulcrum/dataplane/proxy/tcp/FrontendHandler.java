package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.proxy.ProxiedService;
import io.netty.channel.ChannelHandlerContext;

/**
 * Handles one accepted client: opens the upstream connection (with retries and fallback) before
 * reading anything from the client, then relays the client's bytes to the real server.
 */
final class FrontendHandler extends RelayHandler {
    private final ProxiedService service;

    FrontendHandler(ProxiedService service) {
        super(null);
        this.service = service;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connection = new ProxiedConnection(ctx.channel(), service.counters(),
                service.config().clientIdleTimeout(), service.config().serverIdleTimeout());
        new UpstreamConnector(service, connection).start();
        ctx.fireChannelActive();
    }
}
