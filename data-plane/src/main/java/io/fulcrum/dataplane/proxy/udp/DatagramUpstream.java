package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.fulcrum.dataplane.proxy.SocketFamily;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollDatagramChannel;

import java.net.InetSocketAddress;

/**
 * A flow's upstream: an epoll UDP socket on an ephemeral port of the node (so the real server sees
 * the node's address, SNAT) connected to the real server, on the event loop of the service socket
 * that opened it, so a flow's datagrams are relayed without cross-thread hand-offs.
 */
final class DatagramUpstream implements FlowUpstream {
    private static final int LOW_WATER = 128 * 1024;
    private static final int HIGH_WATER = 256 * 1024;

    private final Channel channel;
    private final InetSocketAddress target;
    private final ServiceCounters counters;
    private final DatagramCoalescer pending = new DatagramCoalescer();

    private DatagramUpstream(Channel channel, InetSocketAddress target, ServiceCounters counters) {
        this.channel = channel;
        this.target = target;
        this.counters = counters;
    }

    /**
     * The opener used in production: sockets with these buffers, whose kernel drops are counted in
     * {@code drops}; registration and connect complete inline on the flow's loop.
     */
    static UpstreamOpener opener(UdpSocketBuffers buffers, SocketDrops drops) {
        return (table, flow, target) -> open(table, flow, target, buffers, drops);
    }

    private static FlowUpstream open(FlowTable table, UdpFlow flow, InetSocketAddress target,
                                     UdpSocketBuffers buffers, SocketDrops drops) {
        EventLoop loop = flow.listener().eventLoop();
        EpollDatagramChannel channel = new EpollDatagramChannel(SocketFamily.of(target.getAddress()));
        DatagramLimits.configure(channel, DatagramLimits.UPSTREAM_BATCH, LOW_WATER, HIGH_WATER);
        buffers.applyToFlow(channel);
        DatagramUpstream upstream = new DatagramUpstream(channel, target, table.counters());
        channel.pipeline().addLast(new UpstreamHandler(table, flow));
        // On the loop, register and connect run inline: the socket is connected before the first write.
        loop.register(channel);
        ChannelFuture connected = channel.connect(target);
        if (connected.isDone() && !connected.isSuccess()) {
            channel.close();
            throw new IllegalStateException("connect to " + target + ": " + connected.cause().getMessage(),
                    connected.cause());
        }
        channel.closeFuture().addListener(closed -> table.upstreamClosed(flow, upstream));
        drops.track(channel);
        return upstream;
    }

    @Override
    public boolean send(ByteBuf payload) {
        if (!channel.isActive() || !channel.isWritable()) {
            payload.release();
            return false;
        }
        pending.add(payload);
        return true;
    }

    /** Sends the batch: runs of equal-sized datagrams as one segmented send (see DatagramCoalescer). */
    @Override
    public void flush() {
        if (!pending.isEmpty()) {
            pending.writeTo(channel, target, counters);
            channel.flush();
        }
    }

    @Override
    public void close() {
        channel.close();
        // What this batch queued is written (and released by the closed channel) at the batch's
        // flush; off the loop the queue belongs to the loop, so it is not touched here.
        if (channel.eventLoop().inEventLoop()) {
            pending.discard();
        }
    }
}
