package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.proxy.BoundSocket;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The TCP listeners of one virtual service, across event loops and applies: what they share is the
 * service, its per-client connection counts and the node's live connections.
 */
public final class TcpListeners {
    private final ProxiedService service;
    private final LiveConnections live;
    private final ClientConnections perClient = new ClientConnections();

    public TcpListeners(ProxiedService service, LiveConnections live) {
        this.service = service;
        this.live = live;
    }

    /** Binds a listener of the service on {@code address}, on {@code loop}. */
    public BoundSocket bind(EventLoop loop, InetSocketAddress address) throws IOException {
        return TcpListener.bind(live.loop((IoEventLoop) loop), this, address);
    }

    ProxiedService service() {
        return service;
    }

    ClientConnections perClient() {
        return perClient;
    }
}
