package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.ServiceCounters;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The live flows of one UDP virtual service: opens a flow for a new client address and port (within
 * max flows, through the service's selector and persistence), re-pins a flow whose real server went
 * down or was removed (a halted one keeps its live flows, as TCP keeps live connections), and ends
 * idle flows. A live flow holds one connection slot of its real server
 * and counts as one active connection of the service.
 */
public final class FlowTable {
    static final long PIN_REFRESH_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(FlowTable.class.getName());

    private final ProxiedService service;
    private final UpstreamOpener opener;
    private final LongSupplier clockMillis;
    private final ConcurrentHashMap<FlowKey, UdpFlow> flows = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();

    FlowTable(ProxiedService service, UpstreamOpener opener, LongSupplier clockMillis) {
        this.service = service;
        this.opener = opener;
        this.clockMillis = clockMillis;
    }

    /**
     * The flow a datagram from {@code key} goes through, opened or re-pinned as needed; null when
     * the datagram must be dropped (flow limit or no eligible real server, both counted). The key may be
     * a lookup key: it is only looked up with, and a new flow keeps its {@link FlowKey#stored()} copy.
     */
    UdpFlow route(FlowKey key, UdpServiceSocket listener) {
        long now = clockMillis.getAsLong();
        UdpFlow flow = flows.get(key);
        if (flow != null && flow.ended()) {
            flows.remove(key, flow);
            flow = null;
        }
        if (flow == null) {
            return open(key.stored(), listener, now);
        }
        flow.touch(now);
        if (!flow.server().keepsLiveFlows()) {
            return repin(flow, listener);
        }
        // A halted server keeps the flow but must not win the client back for its next flows.
        if (flow.server().keepsPersistentClients() && flow.claimPinRefresh(now, PIN_REFRESH_MILLIS)) {
            service.selector().connected(flow.key().client().getAddress(), flow.server());
        }
        return flow;
    }

    private UdpFlow open(FlowKey key, UdpServiceSocket listener, long now) {
        ServiceCounters counters = service.counters();
        if (!reserveFlowSlot(service.config().flows().maxFlows())) {
            counters.flowDropped();
            return null;
        }
        // The flow's upstream socket is one descriptor.
        if (!service.descriptors().tryAcquire(1)) {
            live.decrementAndGet();
            counters.flowDropped();
            return null;
        }
        InetAddress client = key.client().getAddress();
        RealServer server = service.selector().select(client, Set.of());
        if (server == null) {
            giveBackSlot();
            counters.refused();
            return null;
        }
        UdpFlow flow = new UdpFlow(key, listener, server, now);
        try {
            flow.attach(opener.open(this, flow, target(server, key)));
        } catch (RuntimeException e) {
            giveBackSlot();
            server.release();
            server.connectFailed();
            LOG.log(Level.DEBUG, "cannot open upstream socket to {0}: {1}", server, e.toString());
            return null;
        }
        UdpFlow raced = flows.putIfAbsent(key, flow);
        if (raced != null) {
            // Another loop opened the same flow first (its listener set just changed): use that one.
            giveBackSlot();
            server.release();
            flow.upstream().close();
            return raced;
        }
        counters.connectionOpened();
        server.connectionEstablished();
        service.selector().connected(client, server);
        return flow;
    }

    private UdpFlow repin(UdpFlow flow, UdpServiceSocket listener) {
        synchronized (flow) {
            if (flow.ended()) {
                return null;
            }
            RealServer old = flow.server();
            if (old.keepsPersistentClients()) {
                return flow;
            }
            // The new upstream lives on the loop of the socket this datagram came in on.
            flow.useListener(listener);
            InetAddress client = flow.key().client().getAddress();
            RealServer next = service.selector().select(client, Set.of(old));
            FlowUpstream upstream = null;
            if (next != null) {
                try {
                    upstream = opener.open(this, flow, target(next, flow.key()));
                } catch (RuntimeException e) {
                    next.release();
                    next.connectFailed();
                    next = null;
                }
            }
            if (next == null) {
                service.counters().refused();
                endLocked(flow);
                return null;
            }
            FlowUpstream oldUpstream = flow.upstream();
            flow.repin(next, upstream);
            old.release();
            oldUpstream.close();
            next.connectionEstablished();
            service.selector().connected(client, next, Set.of(old));
            service.counters().flowRepinned();
            return flow;
        }
    }

    /** Ends the flow (once): frees its slot on the real server, its count and its socket. */
    void end(UdpFlow flow) {
        synchronized (flow) {
            endLocked(flow);
        }
    }

    private void endLocked(UdpFlow flow) {
        if (!flow.markEnded()) {
            return;
        }
        flows.remove(flow.key(), flow);
        giveBackSlot();
        flow.server().release();
        service.counters().connectionClosed();
        flow.upstream().close();
    }

    /** Called when an upstream socket closed by itself (not by a re-pin): the flow ends with it. */
    void upstreamClosed(UdpFlow flow, FlowUpstream upstream) {
        synchronized (flow) {
            if (flow.upstream() == upstream) {
                endLocked(flow);
            }
        }
    }

    /** Ends every flow idle for the service's flow idle timeout; returns how many ended. */
    public int expireIdle() {
        long now = clockMillis.getAsLong();
        long idleMillis = service.config().flows().idleTimeout().toMillis();
        int ended = 0;
        for (UdpFlow flow : flows.values()) {
            if (now - flow.lastActivityMillis() >= idleMillis) {
                end(flow);
                ended++;
            }
        }
        return ended;
    }

    public void endAll() {
        flows.values().forEach(this::end);
    }

    public int liveFlows() {
        return live.get();
    }

    ServiceCounters counters() {
        return service.counters();
    }

    long nowMillis() {
        return clockMillis.getAsLong();
    }

    /** Gives back what an opened (or failed) flow took: its place under maxFlows and its descriptor. */
    private void giveBackSlot() {
        live.decrementAndGet();
        service.descriptors().release(1);
    }

    private boolean reserveFlowSlot(int maxFlows) {
        while (true) {
            int current = live.get();
            if (current >= maxFlows) {
                return false;
            }
            if (live.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    // Port 0 follows the port the client sent to.
    private static InetSocketAddress target(RealServer server, FlowKey key) {
        int port = server.config().port();
        return new InetSocketAddress(server.config().address(), port == 0 ? key.servicePort() : port);
    }
}
