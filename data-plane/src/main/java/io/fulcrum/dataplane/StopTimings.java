package io.fulcrum.dataplane;

import java.time.Duration;

/**
 * How a node stops on SIGTERM. First it reports itself draining (its health endpoint answers 503, so
 * keepalived moves its floating addresses to the peer) while it keeps accepting, until the host holds
 * none of its virtual-service addresses or {@code stopDelay} has passed: no new connection meets a
 * closed port in the second or two the move takes (HAProxy's {@code grace}). Then it closes its
 * listeners and gives live connections up to {@code grace} to end on their own.
 */
record StopTimings(Duration stopDelay, Duration grace) {
    static final Duration MAX_STOP_DELAY = Duration.ofMinutes(1);
    static final Duration MAX_GRACE = Duration.ofMinutes(10);
    static final StopTimings DEFAULT = new StopTimings(Duration.ZERO, Duration.ofSeconds(5));
}
