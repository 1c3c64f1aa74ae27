package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.os.Errno;
import io.fulcrum.dataplane.os.SocketCalls;
import io.fulcrum.dataplane.proxy.BoundSocket;
import io.fulcrum.dataplane.proxy.LoopSocket;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoOps;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One service socket of a UDP virtual service on one event loop, bound with SO_REUSEPORT (the kernel
 * keeps a client's datagrams on one socket of the group) and IP_FREEBIND (an address keepalived has not
 * moved here yet is bound all the same). Reads client datagrams in batches (recvmmsg), routes each to
 * its flow and sends the batch's datagrams of one flow together; a flow's replies leave from here, so
 * the client sees them come from the address and port it sent to. A bad datagram is dropped and
 * counted; the shared socket is never closed because of one.
 */
final class UdpServiceSocket extends LoopSocket implements BoundSocket {
    private static final System.Logger LOG = System.getLogger(UdpServiceSocket.class.getName());
    /** Batches read per wake-up before the loop serves its other sockets (readiness is level-triggered). */
    private static final int BATCHES_PER_WAKEUP = 4;

    private final UdpLoop loop;
    private final FlowTable table;
    private final SocketDrops drops;
    private final int port;
    /** Each datagram's sender, looked up with (no address object per datagram); only this socket's loop uses it. */
    private final FlowKey sender = FlowKey.lookup();
    private long inode = -1;

    private UdpServiceSocket(UdpLoop loop, FlowTable table, SocketDrops drops, int port, int fd) {
        super(fd);
        this.loop = loop;
        this.table = table;
        this.drops = drops;
        this.port = port;
    }

    /** Binds and registers a service socket on the loop (the work runs there); fails with the reason. */
    static UdpServiceSocket bind(UdpLoop loop, FlowTable table, InetSocketAddress address, UdpSocketBuffers buffers,
                                 SocketDrops drops) throws IOException {
        return onLoop(loop.eventLoop, () -> bindOnLoop(loop, table, address, buffers, drops), "binding " + address);
    }

    private static UdpServiceSocket bindOnLoop(UdpLoop loop, FlowTable table, InetSocketAddress address,
                                               UdpSocketBuffers buffers, SocketDrops drops) throws IOException {
        SocketCalls calls = loop.calls;
        InetAddress ip = address.getAddress();
        int fd = calls.udpSocket(ip);
        if (fd < 0) {
            throw new IOException("socket: " + Errno.describe(calls.errno()));
        }
        if (calls.shareAndBindFreely(fd, ip) < 0
                || !buffers.applyToService(calls, fd)
                || calls.bind(fd, ip, address.getPort()) < 0) {
            int errno = calls.errno();
            calls.close(fd);
            throw new IOException(Errno.describe(errno));
        }
        UdpServiceSocket socket = new UdpServiceSocket(loop, table, drops, address.getPort(), fd);
        if (!socket.register(loop.eventLoop, EpollIoOps.EPOLLIN)) {
            socket.closeSocket();
            throw new IOException("the event loop could not take the socket");
        }
        socket.inode = drops.track(fd);
        return socket;
    }

    UdpLoop loop() {
        return loop;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        DatagramBatch batch = loop.batch;
        for (int i = 0; i < BATCHES_PER_WAKEUP && isOpen(); i++) {
            int received = batch.receive(loop.calls, fdValue());
            if (received < 0) {
                if (loop.calls.errno() != Errno.EAGAIN && loop.calls.errno() != Errno.EINTR) {
                    table.counters().datagramDropped();
                    LOG.log(Level.DEBUG, "service socket {0}: {1}", port, Errno.describe(loop.calls.errno()));
                }
                return;
            }
            forward(received);
            if (received < DatagramBatch.SIZE) {
                return;
            }
        }
    }

    /** Routes each datagram of the batch to its flow; consecutive ones of one flow leave together. */
    private void forward(int received) {
        DatagramBatch batch = loop.batch;
        DatagramRun run = loop.run;
        ServiceCounters counters = table.counters();
        FlowUpstream target = null;
        for (int i = 0; i < received; i++) {
            if (batch.oversized(i)) {
                counters.datagramDropped();
                continue;
            }
            int length = batch.length(i);
            UdpFlow flow = route(batch, i);
            if (flow == null) {
                counters.datagramDropped();
                continue;
            }
            FlowUpstream upstream = flow.upstream();
            if (upstream != target || !run.accepts(length, UdpLoop.segmentation())) {
                flush(target);
                target = upstream;
            }
            run.add(i, length);
            counters.datagramIn(length);
            flow.server().datagramIn(length);
        }
        flush(target);
    }

    private UdpFlow route(DatagramBatch batch, int i) {
        try {
            return table.route(batch.sender(i, sender, port), this);
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "datagram on port {0} dropped: {1}", port, e.toString());
            return null;
        }
    }

    private void flush(FlowUpstream target) {
        DatagramRun run = loop.run;
        if (run.count() == 0) {
            return;
        }
        int datagrams = run.count();
        if (!target.send(loop)) {
            table.counters().datagramsDropped(datagrams);
        }
        run.clear();
    }

    /** Sends the calling loop's run to {@code client} from this socket; false if the kernel took none. */
    boolean reply(UdpLoop from, FlowKey client) {
        if (!isOpen()) {
            from.run.clear();
            return false;
        }
        return from.sendRun(fdValue(), client);
    }

    @Override
    public boolean quiesce() {
        return true; // it carries the live flows too
    }

    @Override
    public void close() {
        if (loop.eventLoop.inEventLoop()) {
            closeNow();
        } else if (!loop.eventLoop.isShuttingDown()) {
            loop.eventLoop.submit(this::closeNow).syncUninterruptibly();
        }
    }

    private void closeNow() {
        if (isOpen()) {
            drops.untrack(inode);
        }
        closeSocket();
    }

    @Override
    public String toString() {
        return "UDP service socket on port " + port;
    }
}
