package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelOutputShutdownException;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.LongAdder;

/**
 * Moves a connection's bytes socket to socket with splice(2), so they never enter user space.
 * Opt-in with {@code -Dfulcrum.splice=true}, and used only where no byte needs inspecting and both
 * sockets are epoll channels on the same event loop; otherwise the buffered relay carries the
 * connection. Not the default: with Netty 4.2.18, a spliced side that half-closes while a large
 * transfer still flows the other way can lose its epoll registration and cut that transfer short.
 */
final class SpliceRelay {
    static final String ENABLED_PROPERTY = "fulcrum.splice";
    private static final System.Logger LOG = System.getLogger(SpliceRelay.class.getName());
    private static final LongAdder STARTED = new LongAdder();

    private SpliceRelay() {
    }

    static boolean enabled() {
        return Boolean.getBoolean(ENABLED_PROPERTY);
    }

    static boolean possible(Channel frontend, Channel backend) {
        return enabled()
                && frontend instanceof AbstractEpollStreamChannel
                && backend instanceof AbstractEpollStreamChannel
                && frontend.eventLoop() == backend.eventLoop()
                && frontend.config().getRecvByteBufAllocator() instanceof ReadCountingAllocator
                && backend.config().getRecvByteBufAllocator() instanceof ReadCountingAllocator;
    }

    /**
     * Starts splicing both ways. Reading switches to AUTO_READ, because Netty's splice pauses and
     * resumes reading itself (it turns AUTO_READ off while the peer's socket is full).
     */
    static void start(Channel frontend, Channel backend) {
        STARTED.increment();
        splice(frontend, backend);
        splice(backend, frontend);
        frontend.config().setOption(ChannelOption.AUTO_READ, true);
        backend.config().setOption(ChannelOption.AUTO_READ, true);
    }

    @SuppressWarnings("deprecation") // spliceTo is deprecated in Netty 4.2 but still supported on epoll.
    private static void splice(Channel from, Channel to) {
        ((AbstractEpollStreamChannel) from).spliceTo((AbstractEpollStreamChannel) to, Integer.MAX_VALUE)
                .addListener((ChannelFutureListener) future -> {
                    // It only ends by failing: a socket closed, splice(2) reported an error, or the
                    // peer's output was shut down after a half-close, which is no error at all.
                    if (!future.isSuccess() && from.isOpen()
                            && !(future.cause() instanceof ChannelOutputShutdownException)) {
                        LOG.log(Level.DEBUG, "splice from {0} failed: {1}", from, future.cause().toString());
                        from.close();
                    }
                });
    }

    /** Connections relayed by splice since the process started (lets tests see which path ran). */
    static long connectionsStarted() {
        return STARTED.sum();
    }

    /** Installs the counting allocator; must happen before the channel's first read. */
    static void prepare(Channel channel) {
        if (enabled() && channel instanceof AbstractEpollStreamChannel) {
            channel.config().setRecvByteBufAllocator(
                    new ReadCountingAllocator(channel.config().getRecvByteBufAllocator()));
        }
    }

    /** Bytes the channel read since the last call (0 for channels that are not spliced). */
    static long takeBytesRead(Channel channel) {
        return channel.config().getRecvByteBufAllocator() instanceof ReadCountingAllocator counting
                ? counting.takeBytesRead() : 0;
    }
}
