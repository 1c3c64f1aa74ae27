package io.fulcrum.dataplane.proxy.tcp;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a proxied connection once no byte has moved either way for its idle timeout: the client
 * timeout until the upstream is joined, then the shorter of the client's and the real server's;
 * and, until the client's first byte, at most the first-byte timeout (a silent client holds no slot
 * for the long idle timeout meant for established sessions).
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
    private final long firstByteNanos;
    private boolean awaitingFirstByte = true;
    private boolean upstreamJoined;
    private long idleNanos;
    private long lastActivityNanos;
    private ScheduledFuture<?> check;

    IdleTimer(ProxiedConnection connection, EventLoop loop, Duration clientIdle, Duration serverIdle,
              Duration firstByte) {
        this.connection = connection;
        this.loop = loop;
        // Limits.IDLE_TIMEOUT keeps all three at most 24 days: far from the ~292 years where toNanos overflows.
        this.clientIdleNanos = clientIdle.toNanos();
        this.serverIdleNanos = serverIdle.toNanos();
        this.firstByteNanos = firstByte.toNanos();
        this.idleNanos = current();
        this.lastActivityNanos = System.nanoTime();
        schedule(idleNanos);
    }

    /** Bytes moved: the connection is busy as of now. */
    void activity() {
        lastActivityNanos = System.nanoTime();
    }

    /** The real server's side is joined: its timeout applies from now on, if it is the shorter. */
    void upstreamJoined() {
        upstreamJoined = true;
        long next = current();
        if (next < idleNanos) {
            idleNanos = next;
            cancel();
            schedule(idleNanos);
        } else {
            idleNanos = next;
        }
    }

    /** The client sent its first byte: the first-byte timeout no longer applies (a longer timeout is picked up at the next check). */
    void clientSpoke() {
        if (awaitingFirstByte) {
            awaitingFirstByte = false;
            idleNanos = current();
        }
    }

    private long current() {
        long timeout = upstreamJoined ? Math.min(clientIdleNanos, serverIdleNanos) : clientIdleNanos;
        return awaitingFirstByte ? Math.min(timeout, firstByteNanos) : timeout;
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
            LOG.log(Level.DEBUG, awaitingFirstByte ? "closing connection {0}: no first byte in time"
                    : "closing idle connection {0}", connection.frontend());
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
