package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.os.Errno;
import io.fulcrum.dataplane.os.SocketCalls;
import io.fulcrum.dataplane.proxy.LoopSocket;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;

/**
 * A flow's upstream: a UDP socket on an ephemeral port of the node (so the real server sees the node's
 * address, SNAT), connected to the real server, on the event loop of the service socket that opened it,
 * so a flow's datagrams are relayed without cross-thread hand-offs. Its replies are read in batches and
 * leave from the flow's service socket, a run of equal-sized ones as one segmented send. An ICMP port
 * unreachable on it (the real server's port is closed) is passive failure evidence against the server.
 */
final class FlowSocket extends LoopSocket implements FlowUpstream {
    private static final System.Logger LOG = System.getLogger(FlowSocket.class.getName());
    /** Batches of replies read per wake-up before the loop serves its other sockets. */
    private static final int BATCHES_PER_WAKEUP = 4;

    private final UdpLoop loop;
    private final FlowTable table;
    private final UdpFlow flow;
    private final InetSocketAddress target;
    private final SocketDrops drops;
    private long inode = -1;
    // Written on the socket's loop; read by another loop handing a datagram over.
    private volatile boolean closed;

    private FlowSocket(UdpLoop loop, FlowTable table, UdpFlow flow, InetSocketAddress target, SocketDrops drops, int fd) {
        super(fd);
        this.loop = loop;
        this.table = table;
        this.flow = flow;
        this.target = target;
        this.drops = drops;
    }

    /** The opener used in production: sockets with these buffers, whose kernel drops are counted in {@code drops}. */
    static UpstreamOpener opener(UdpSocketBuffers buffers, SocketDrops drops) {
        return (table, flow, target) -> open(table, flow, target, buffers, drops);
    }

    // Runs on the loop of the service socket the flow's datagram came in on.
    private static FlowUpstream open(FlowTable table, UdpFlow flow, InetSocketAddress target, UdpSocketBuffers buffers,
                                     SocketDrops drops) {
        UdpLoop loop = flow.listener().loop();
        SocketCalls calls = loop.calls;
        int fd = calls.udpSocket(target.getAddress());
        if (fd < 0) {
            throw new IllegalStateException("socket: " + Errno.describe(calls.errno()));
        }
        if (!buffers.applyToFlow(calls, fd) || calls.connect(fd, target.getAddress(), target.getPort()) < 0) {
            int errno = calls.errno();
            calls.close(fd);
            throw new IllegalStateException("connect to " + target + ": " + Errno.describe(errno));
        }
        FlowSocket socket = new FlowSocket(loop, table, flow, target, drops, fd);
        if (!socket.register(loop.eventLoop, EpollIoOps.EPOLLIN)) {
            socket.closeSocket();
            throw new IllegalStateException("the event loop could not take the socket to " + target);
        }
        socket.inode = drops.track(fd);
        return socket;
    }

    @Override
    public boolean send(UdpLoop from) {
        if (closed) {
            from.run.clear();
            return false;
        }
        if (from != loop) {
            handOver(from);
            return true;
        }
        if (from.sendRun(fdValue(), null)) {
            return true;
        }
        failed(from.calls.errno());
        return false;
    }

    /**
     * A datagram that came in on another loop's service socket (the service's sockets changed under a
     * live flow): copied and sent from this socket's own loop, which owns it.
     */
    private void handOver(UdpLoop from) {
        DatagramRun run = from.run;
        byte[][] copies = new byte[run.count()][];
        for (int k = 0; k < copies.length; k++) {
            copies[k] = from.batch.copy(run.index(k));
        }
        run.clear();
        loop.eventLoop.execute(() -> {
            for (int k = 0; k < copies.length && !closed; k++) {
                loop.batch.put(0, copies[k]);
                loop.run.clear();
                loop.run.add(0, copies[k].length);
                if (!loop.sendRun(fdValue(), null)) {
                    table.counters().datagramsDropped(1);
                    failed(loop.calls.errno());
                }
            }
        });
    }

    private void failed(int errno) {
        if (errno == Errno.ECONNREFUSED || errno == Errno.EHOSTUNREACH) {
            // ICMP unreachable for an earlier datagram, reported on this one: the flow is not lost,
            // the real server may be (passive failure detection); its next datagram is re-pinned.
            flow.server().upstreamFailed("ICMP port unreachable from " + target);
        }
        LOG.log(Level.DEBUG, "upstream of {0}: {1}", flow.key(), Errno.describe(errno));
    }

    /** Replies from the real server: read in batches, sent on to the client from the flow's service socket. */
    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        for (int i = 0; i < BATCHES_PER_WAKEUP && !closed; i++) {
            int received = loop.batch.receive(loop.calls, fdValue());
            if (received < 0) {
                int errno = loop.calls.errno();
                if (errno == Errno.EAGAIN) {
                    return;
                }
                table.counters().datagramDropped();
                failed(errno);
                continue; // an ICMP error is reported once; what was queued after it is read next
            }
            relay(received);
            if (received < DatagramBatch.SIZE) {
                return;
            }
        }
    }

    private void relay(int received) {
        DatagramBatch batch = loop.batch;
        DatagramRun run = loop.run;
        ServiceCounters counters = table.counters();
        RealServer server = flow.server();
        UdpServiceSocket listener = flow.listener();
        FlowKey client = flow.key();
        flow.touch(table.nowMillis());
        server.upstreamAnswered();
        run.clear();
        for (int i = 0; i < received; i++) {
            if (batch.oversized(i)) {
                counters.datagramDropped();
                continue;
            }
            int length = batch.length(i);
            if (!run.accepts(length, UdpLoop.segmentation())) {
                reply(listener, client);
            }
            run.add(i, length);
            counters.datagramOut(length);
            server.datagramOut(length);
        }
        reply(listener, client);
    }

    private void reply(UdpServiceSocket listener, FlowKey client) {
        DatagramRun run = loop.run;
        int datagrams = run.count();
        if (datagrams == 0) {
            return;
        }
        if (listener == null || !listener.reply(loop, client)) {
            table.counters().datagramsDropped(datagrams);
        }
        run.clear();
    }

    /** Closes the socket on its own loop (at once when called there). */
    @Override
    public void close() {
        if (loop.eventLoop.inEventLoop()) {
            closeNow();
        } else if (!loop.eventLoop.isShuttingDown()) {
            loop.eventLoop.execute(this::closeNow);
        }
    }

    private void closeNow() {
        if (closed) {
            return;
        }
        closed = true;
        drops.untrack(inode);
        closeSocket();
    }
}
