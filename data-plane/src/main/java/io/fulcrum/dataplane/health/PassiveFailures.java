package io.fulcrum.dataplane.health;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Failures of real traffic to one real server (Envoy's outlier detection, HAProxy's
 * {@code observe layer4}): ICMP port unreachable on a UDP flow's socket, a refused or timed-out TCP
 * connect. {@link #THRESHOLD} in a row, with no answer between them, make one episode; an answer
 * starts the count over. Called from any event loop; an answer on the data path costs one read
 * unless a failure came before it.
 */
public final class PassiveFailures {
    /** Consecutive failures that eject a real server (Envoy's consecutive gateway failures: 5; UDP errors come per datagram, so fewer). */
    public static final int THRESHOLD = 3;

    private final AtomicInteger consecutive = new AtomicInteger();

    /** Counts one failure; true exactly when this one reaches the threshold. */
    public boolean failed() {
        return consecutive.incrementAndGet() == THRESHOLD;
    }

    /** The real server answered: the failures so far were not an episode. */
    public void answered() {
        if (consecutive.get() != 0) {
            consecutive.set(0);
        }
    }

    /** Starts counting afresh (e.g. when the server is taken back after an ejection). */
    public void reset() {
        consecutive.set(0);
    }
}
