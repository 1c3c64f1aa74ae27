package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.time.Duration;

/**
 * The client connections a node is carrying, across its virtual services, so that a stop can end
 * each of them in order when the drain deadline passes. A closed channel leaves by itself.
 */
public final class LiveConnections {
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);

    void add(Channel client) {
        clients.add(client);
    }

    public int size() {
        return clients.size();
    }

    /**
     * Ends every connection on its own event loop: our FIN to the client and to its real server once
     * what is queued is written, then the sockets close when each side answers with its FIN, or after
     * {@code linger}. A socket closed with unread input would send RST instead, so the input is read
     * and discarded meanwhile.
     */
    public void finishAll(Duration linger) {
        FinishConnection finish = new FinishConnection(linger);
        for (Channel client : clients) {
            client.eventLoop().execute(() -> client.pipeline().fireUserEventTriggered(finish));
        }
    }

    /** The user event that asks a client connection's pipeline to end its pair. */
    record FinishConnection(Duration linger) {
    }
}
