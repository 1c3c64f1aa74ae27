package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.BoundSocket;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Layer-4 SNAT UDP forwarding of one virtual service: binds its service sockets and owns its flow
 * table, whose idle flows are swept periodically on one event loop (no timer per flow).
 */
public final class UdpForwarder {
    static final long SWEEP_MILLIS = 100;

    private final FlowTable table;
    private final UdpSocketBuffers buffers;
    private final SocketDrops kernelDrops = new SocketDrops();
    private ScheduledFuture<?> sweep;

    public UdpForwarder(ProxiedService service, LongSupplier clockMillis, UdpSocketBuffers buffers) {
        this.buffers = buffers;
        this.table = new FlowTable(service, FlowSocket.opener(buffers, kernelDrops), clockMillis);
    }

    /** Binds one SO_REUSEPORT service socket on the loop; the kernel keeps a client on one socket. */
    public synchronized BoundSocket bind(EventLoop loop, InetSocketAddress address) throws IOException {
        if (sweep == null) {
            sweep = loop.scheduleAtFixedRate(table::expireIdle, SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
        }
        return UdpServiceSocket.bind(UdpLoop.of((IoEventLoop) loop), table, address, buffers, kernelDrops);
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
