package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.IoEventLoop;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's TCP relay state per event loop (see {@link TcpLoop}), across its virtual services, and so
 * the client connections it is carrying: a stop ends each of them in order when the drain deadline passes.
 */
public final class LiveConnections {
    private final Map<IoEventLoop, TcpLoop> loops = new ConcurrentHashMap<>();

    TcpLoop loop(IoEventLoop eventLoop) {
        return loops.computeIfAbsent(eventLoop, TcpLoop::new);
    }

    /**
     * Ends every connection on its own event loop: our FIN to the client and to its real server once
     * what waits for them is written, then the sockets close when each side answers with its FIN, or
     * after {@code linger}. A socket closed with unread input would send RST instead, so the input is
     * read and discarded meanwhile.
     */
    public void finishAll(Duration linger) {
        for (TcpLoop loop : loops.values()) {
            if (!loop.eventLoop.isShuttingDown()) {
                loop.eventLoop.execute(() -> loop.finishAll(linger));
            }
        }
    }
}
