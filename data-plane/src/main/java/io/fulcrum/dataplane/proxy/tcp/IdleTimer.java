package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a proxied connection once no byte has moved either way for its idle timeout: the client
 * timeout until the upstream is joined, then the shorter of the client's and the real server's.
 * One scheduled check per connection, re-armed for the remaining time when it finds activity,
 * instead of an IdleStateHandler per channel, which would also turn every relayed write's void
 * promise into a real one with a listener.
 */
final class IdleTimer implements Runnable {
    private static final System.Logger LOG = System.getLogger(IdleTimer.class.getName());

    private final ProxiedConnection connection;
    private final EventLoop loop;
    private final long clientIdleNanos;
    private final long serverIdleNanos;
    private long idleNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> check;

    IdleTimer(ProxiedConnection connection, EventLoop loop, Duration clientIdle, Duration serverIdle) {
        this.connection = connection;
        this.loop = loop;
        // Limits.IDLE_TIMEOUT keeps both at most 24 days: far from the ~292 years where toNanos overflows.
        this.clientIdleNanos = clientIdle.toNanos();
        this.serverIdleNanos = serverIdle.toNanos();
        this.idleNanos = clientIdleNanos;
        this.lastActivityNanos = System.nanoTime();
        schedule(idleNanos);
    }

    /** Bytes moved: the connection is busy as of now. */
    void activity() {
        lastActivityNanos = System.nanoTime();
    }

    /** The real server's side is joined: its timeout applies from now on, if it is the shorter. */
    void upstreamJoined() {
        if (serverIdleNanos < idleNanos) {
            idleNanos = serverIdleNanos;
            cancel();
            schedule(idleNanos);
        }
    }

    @Override
    public void run() {
        check = null;
        if (connection.closed()) {
            return;
        }
        if (connection.splicedBytesMovedSinceLastCheck()) {
            activity();
        }
        long idleFor = System.nanoTime() - lastActivityNanos;
        if (idleFor >= idleNanos) {
            LOG.log(Level.DEBUG, "closing idle connection {0}", connection.frontend());
            connection.close();
            return;
        }
        schedule(idleNanos - idleFor);
    }

    void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void schedule(long delayNanos) {
        check = loop.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
    }
}
