package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.SocketFamily;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Layer-4 SNAT UDP forwarding of one virtual service: binds its service sockets and owns its flow
 * table, whose idle flows are swept periodically on one event loop (no timer per flow).
 */
public final class UdpForwarder {
    static final long SWEEP_MILLIS = 100;
    private static final int LOW_WATER = 512 * 1024;
    private static final int HIGH_WATER = 1024 * 1024;

    private final FlowTable table;
    private final UdpSocketBuffers buffers;
    private final SocketDrops kernelDrops = new SocketDrops();
    private ScheduledFuture<?> sweep;

    public UdpForwarder(ProxiedService service, LongSupplier clockMillis, UdpSocketBuffers buffers) {
        this.buffers = buffers;
        this.table = new FlowTable(service, DatagramUpstream.opener(buffers, kernelDrops), clockMillis);
    }

    /** Binds one SO_REUSEPORT service socket on the loop; the kernel keeps a client on one socket. */
    public synchronized ChannelFuture bind(EventLoop loop, InetSocketAddress address) {
        if (sweep == null) {
            sweep = loop.scheduleAtFixedRate(table::expireIdle, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
        return new Bootstrap()
                .group(loop)
                .channelFactory(() -> new EpollDatagramChannel(SocketFamily.of(address.getAddress())))
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(EpollChannelOption.SO_REUSEPORT, true)
                // As TCP listeners: an address keepalived has not moved here yet is bound all the same.
                .option(EpollChannelOption.IP_FREEBIND, true)
                .option(ChannelOption.SO_RCVBUF, buffers.serviceBytes())
                .option(ChannelOption.SO_SNDBUF, buffers.serviceBytes())
                .handler(new ChannelInitializer<EpollDatagramChannel>() {
                    @Override
                    protected void initChannel(EpollDatagramChannel channel) {
                        DatagramLimits.configure(channel, DatagramLimits.SERVICE_BATCH, LOW_WATER, HIGH_WATER);
                        channel.pipeline().addLast(new UdpListenerHandler(table));
                    }
                })
                .bind(address)
                .addListener((ChannelFuture bound) -> {
                    if (bound.isSuccess()) {
                        EpollDatagramChannel channel = (EpollDatagramChannel) bound.channel();
                        buffers.checkService(channel);
                        kernelDrops.track(channel);
                    }
                });
    }

    /**
     * Datagrams the kernel dropped on this service's sockets (full receive buffers), service sockets
     * and flows' upstream sockets alike, since they were opened.
     */
    public long kernelDrops() {
        return kernelDrops.total();
    }

    public int liveFlows() {
        return table.liveFlows();
    }

    /** Ends every flow, e.g. because the service sockets their replies leave from were replaced. */
    public void endFlows() {
        table.endAll();
    }

    /** Ends every flow (their service sockets are gone) and stops sweeping. */
    public synchronized void close() {
        if (sweep != null) {
            sweep.cancel(false);
            sweep = null;
        }
        table.endAll();
    }
}
