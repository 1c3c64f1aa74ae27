package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.health.HealthTransition;
import io.fulcrum.dataplane.health.PassiveFailures;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Runtime state of one real server: its current settings, observed health and connection
 * counters. Lives across snapshots as long as its label, address and port stay the same.
 * Read by every event loop without locks; written by config applies and its health checker.
 */
public final class RealServer {
    private volatile RealServerConfig config;
    private volatile Health health = Health.UNKNOWN;
    private volatile String healthReason = "not checked yet";
    private volatile long healthChangedAtMillis;
    private volatile boolean retired;

    private final ConnectionLimit limit = new ConnectionLimit();
    private final LongAdder totalConnections = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder connectFailures = new LongAdder();
    private final LongAdder datagramsIn = new LongAdder();
    private final LongAdder datagramsOut = new LongAdder();
    private final io.fulcrum.dataplane.health.CheckDurations checkDurations = new io.fulcrum.dataplane.health.CheckDurations();

    private final PassiveFailures passive = new PassiveFailures();
    private volatile Consumer<String> ejector;

    public RealServer(RealServerConfig config) {
        this.config = config;
    }

    public RealServerConfig config() {
        return config;
    }

    public String label() {
        return config.label();
    }

    public void update(RealServerConfig newConfig) {
        this.config = newConfig;
    }

    /** Whether the algorithm may hand it a client it has never seen. */
    public boolean acceptsNewClients() {
        RealServerConfig c = config;
        return !retired && c.state() == AdminState.ONLINE && c.weight() > 0 && health != Health.DOWN
                && !limit.saturated(c);
    }

    /**
     * Whether source-hash places it in its consistent-hash table: the eligible set without the
     * transient saturation, so the table is not rebuilt every time a limit is hit.
     */
    public boolean isMaglevMember() {
        RealServerConfig c = config;
        return !retired && c.state() == AdminState.ONLINE && c.weight() > 0 && health != Health.DOWN;
    }

    /** Whether a client that persistence maps to it may keep reaching it (drain and weight 0 may). */
    public boolean keepsPersistentClients() {
        return !retired && config.state() != AdminState.HALT && health != Health.DOWN;
    }

    /**
     * Whether a live UDP flow may stay on it. Halt, like drain, leaves existing connections to
     * finish (a flow finishes when it goes idle); only a server that is down or gone loses them.
     */
    public boolean keepsLiveFlows() {
        return !retired && health != Health.DOWN;
    }

    /** Whether persistence entries pointing at it must be dropped. */
    public boolean breaksPersistence() {
        return !keepsPersistentClients();
    }

    /** Counts one more active connection unless the max-connections limit forbids it. */
    public boolean tryReserve() {
        return limit.tryReserve(config);
    }

    /** Gives back a connection counted by {@link #tryReserve()}; call exactly once per reserve. */
    public void release() {
        limit.release(config);
    }

    public void connectionEstablished() {
        totalConnections.increment();
    }

    public void connectFailed() {
        connectFailures.increment();
    }

    public void addBytesIn(long bytes) {
        bytesIn.add(bytes);
    }

    public void addBytesOut(long bytes) {
        bytesOut.add(bytes);
    }

    /** A datagram of {@code bytes} sent to it on behalf of a client. */
    public void datagramIn(int bytes) {
        datagramsIn.increment();
        bytesIn.add(bytes);
    }

    /** A datagram of {@code bytes} it sent back to a client. */
    public void datagramOut(int bytes) {
        datagramsOut.increment();
        bytesOut.add(bytes);
    }

    /** How long its health checks took. */
    public io.fulcrum.dataplane.health.CheckDurations checkDurations() {
        return checkDurations;
    }

    public long datagramsIn() {
        return datagramsIn.sum();
    }

    public long datagramsOut() {
        return datagramsOut.sum();
    }

    public void applyHealth(HealthTransition transition) {
        healthReason = transition.reason();
        healthChangedAtMillis = transition.atEpochMillis();
        health = transition.to();
    }

    /** Updates the reported reason without a health change (e.g. a check that cannot run yet). */
    public void explainHealth(String reason) {
        healthReason = reason;
    }

    public void retire() {
        retired = true;
    }

    /** Where an episode of passive failures goes (the server's health checker); set once, before traffic. */
    public void onPassiveFailure(Consumer<String> ejector) {
        this.ejector = ejector;
    }

    /**
     * Real traffic to it failed for a reason that is the server's (refused, unreachable, timed out),
     * never a local one; the third in a row without an answer asks for its ejection.
     */
    public void upstreamFailed(String reason) {
        Consumer<String> sink = ejector;
        if (passive.failed() && sink != null) {
            sink.accept(PassiveFailures.THRESHOLD + " in a row: " + reason);
        }
    }

    /** Real traffic to it was answered (a connect succeeded, a datagram came back). */
    public void upstreamAnswered() {
        passive.answered();
    }

    public PassiveFailures passiveFailures() {
        return passive;
    }

    public boolean retired() {
        return retired;
    }

    public Health health() {
        return health;
    }

    public String healthReason() {
        return healthReason;
    }

    public long healthChangedAtMillis() {
        return healthChangedAtMillis;
    }

    public int activeConnections() {
        return limit.active();
    }

    public boolean saturated() {
        return limit.saturated(config);
    }

    public long totalConnections() {
        return totalConnections.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long connectFailures() {
        return connectFailures.sum();
    }

    @Override
    public String toString() {
        RealServerConfig c = config;
        return c.label() + "(" + c.address().getHostAddress() + ":" + c.port() + ")";
    }

    /** Active connection count with the max/min hysteresis, lock-free. */
    static final class ConnectionLimit {
        private final AtomicInteger active = new AtomicInteger();
        private volatile boolean saturated;

        int active() {
            return active.get();
        }

        boolean saturated(RealServerConfig config) {
            return blocked(config, active.get());
        }

        boolean tryReserve(RealServerConfig config) {
            int max = config.maxConnections();
            while (true) {
                int current = active.get();
                if (blocked(config, current)) {
                    return false;
                }
                if (active.compareAndSet(current, current + 1)) {
                    if (max > 0 && current + 1 >= max) {
                        saturated = true;
                    }
                    return true;
                }
            }
        }

        void release(RealServerConfig config) {
            int now = active.decrementAndGet();
            if (saturated && now < lowWater(config)) {
                saturated = false;
            }
        }

        // The flag alone never blocks below the low-water mark, so a release racing the flag's
        // setting cannot leave an idle server saturated forever.
        private boolean blocked(RealServerConfig config, int current) {
            int max = config.maxConnections();
            return max > 0 && (current >= max || (saturated && current >= lowWater(config)));
        }

        // Below this many active connections a saturated server takes new ones again.
        private static int lowWater(RealServerConfig config) {
            int max = config.maxConnections();
            if (max <= 0) {
                return Integer.MAX_VALUE;
            }
            int min = config.minConnections();
            return min > 0 ? Math.min(min, max) : Math.max(1, (int) (max * 3L / 4));
        }
    }
}
