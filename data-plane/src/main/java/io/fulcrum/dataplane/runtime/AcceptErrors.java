package io.fulcrum.dataplane.runtime;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Errors of the listening sockets themselves (accept failing with EMFILE when something outside the
 * descriptor budget ran the process out): counted, and logged at most once a minute for the whole
 * node with how many came since, instead of once per listener per wake-up.
 */
@ChannelHandler.Sharable
final class AcceptErrors extends ChannelInboundHandlerAdapter {
    static final AcceptErrors INSTANCE = new AcceptErrors();
    private static final System.Logger LOG = System.getLogger(AcceptErrors.class.getName());
    private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final LongAdder errors = new LongAdder();
    private final AtomicLong lastLoggedNanos = new AtomicLong(System.nanoTime() - EVERY_NANOS);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.increment();
        long last = lastLoggedNanos.get();
        long now = System.nanoTime();
        if (now - last >= EVERY_NANOS && lastLoggedNanos.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, "accepting on " + ctx.channel().localAddress() + " failed: " + cause.getMessage()
                    + " (" + errors.sumThenReset() + " accept errors on all listeners in the last minute)");
        }
    }
}
