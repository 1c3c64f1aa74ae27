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

    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(UdpForwarder.class.getName());
    private static final java.util.concurrent.atomic.AtomicBoolean BUFFER_WARNED = new java.util.concurrent.atomic.AtomicBoolean();

    private final FlowTable table;
    private ScheduledFuture<?> sweep;
    // The service sockets' inodes, for the kernel's drop counts; and what closed sockets had dropped.
    private final java.util.Set<Long> socketInodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong droppedByClosedSockets = new java.util.concurrent.atomic.AtomicLong();

    public UdpForwarder(ProxiedService service, LongSupplier clockMillis) {
        this.table = new FlowTable(service, DatagramUpstream.OPENER, clockMillis);
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
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES)
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
                        watch((EpollDatagramChannel) bound.channel());
                    }
                });
    }

    /** Follows the socket's kernel drop count, and says once if the kernel capped its receive buffer. */
    private void watch(EpollDatagramChannel channel) {
        // Linux reports twice what it grants; net.core.rmem_max caps what SO_RCVBUF may ask.
        int granted = channel.config().getReceiveBufferSize() / 2;
        if (granted < SOCKET_BUFFER_BYTES && BUFFER_WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "UDP receive buffers hold " + granted / 1024 + " KiB, not the "
                    + SOCKET_BUFFER_BYTES / 1024 + " KiB asked (net.core.rmem_max); bursts beyond it are dropped by"
                    + " the kernel and counted in droppedDatagrams. Raise net.core.rmem_max to keep them");
        }
        KernelDrops.inode(channel.fd().intValue()).ifPresent(inode -> {
            socketInodes.add(inode);
            channel.closeFuture().addListener(closed -> {
                // Read before forgetting it: a closed socket's drops leave the kernel's table.
                droppedByClosedSockets.addAndGet(KernelDrops.byInode().getOrDefault(inode, 0L));
                socketInodes.remove(inode);
            });
        });
    }

    /** Datagrams the kernel dropped on this service's sockets (full receive buffers), since they were bound. */
    public long kernelDrops() {
        if (socketInodes.isEmpty()) {
            return droppedByClosedSockets.get();
        }
        java.util.Map<Long, Long> drops = KernelDrops.byInode();
        long sum = droppedByClosedSockets.get();
        for (long inode : socketInodes) {
            sum += drops.getOrDefault(inode, 0L);
        }
        return sum;
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
