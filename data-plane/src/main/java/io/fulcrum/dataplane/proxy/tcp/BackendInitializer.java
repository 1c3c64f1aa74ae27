package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/** Sets up an upstream connection to a real server (or the fallback). */
final class BackendInitializer extends ChannelInitializer<Channel> {
    private final ProxiedConnection connection;
    private final long idleMillis;

    BackendInitializer(ProxiedConnection connection, long idleMillis) {
        this.connection = connection;
        this.idleMillis = idleMillis;
    }

    @Override
    protected void initChannel(Channel channel) {
        SpliceRelay.prepare(channel);
        channel.pipeline().addLast(
                new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS),
                new BackendHandler(connection));
    }
}
