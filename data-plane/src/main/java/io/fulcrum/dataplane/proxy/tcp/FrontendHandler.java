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
        connection = new ProxiedConnection(ctx.channel(), service.counters(), service.config().clientIdleTimeout(),
                service.config().serverIdleTimeout(), service.config().clients().firstByteTimeout());
        // Connected after this pass over the ready sockets, not inside it: the upstream connects of
        // a burst of accepts then go out back to back, and a real server that one of them woke is
        // still awake for the rest (waking a sleeping process is a large part of a connect's cost).
        ctx.channel().eventLoop().execute(new UpstreamConnector(service, connection)::start);
        ctx.fireChannelActive();
    }
}
