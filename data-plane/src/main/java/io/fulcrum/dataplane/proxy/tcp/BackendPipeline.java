package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.Channel;

/**
 * Sets up the pipeline of an upstream connection to a real server (or the fallback) before it is
 * registered. Installed directly rather than through a ChannelInitializer, which would add and
 * remove itself on every connection.
 */
final class BackendPipeline {
    private BackendPipeline() {
    }

    static void install(Channel channel, ProxiedConnection connection) {
        SpliceRelay.prepare(channel);
        channel.pipeline().addLast(new BackendHandler(connection));
    }
}
