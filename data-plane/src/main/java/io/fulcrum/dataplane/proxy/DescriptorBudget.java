package io.fulcrum.dataplane.proxy;

import java.lang.System.Logger.Level;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The node's file descriptors as a budget (HAProxy's maxconn derived from {@code ulimit -n}, Envoy's
 * overload manager): a proxied TCP connection takes two (client and upstream), a UDP flow one.
 * What connections and flows may take is the process limit less the descriptors open when the node
 * started, less the listeners, less a reserve for health checks, the control-plane stream and the
 * disk cache, so those never fail for want of one. One virtual service may take at most
 * {@link #SERVICE_SHARE} of it, so idle clients piling onto one service cannot starve the others.
 * At a limit a new client is accepted and closed at once (it learns at once, and can go elsewhere),
 * counted as refused, and logged once per episode.
 */
public final class DescriptorBudget {
    /** The part of the budget one virtual service may use. */
    public static final double SERVICE_SHARE = 0.75;
    /** Descriptors kept back from connections: health checks, control plane, disk cache, the JVM's own. */
    static final long RESERVE_MIN = 64;
    /** An episode ends when use falls below this part of the limit. */
    private static final double RECOVERED_BELOW = 0.9;
    private static final System.Logger LOG = System.getLogger(DescriptorBudget.class.getName());

    private final long processLimit;
    private final long capacity;
    private final long serviceLimit;
    private final AtomicLong listeners = new AtomicLong();
    private final Account node;

    private DescriptorBudget(long processLimit, long capacity) {
        this.processLimit = processLimit;
        this.capacity = capacity;
        this.serviceLimit = (long) (capacity * SERVICE_SHARE);
        this.node = new Account("the node");
    }

    /** From this process's descriptor limit and what it has open now (call once, early). */
    public static DescriptorBudget ofThisProcess() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            long open = unix.getOpenFileDescriptorCount();
            long reserve = RESERVE_MIN + limit / 16;
            return new DescriptorBudget(limit, Math.max(16, limit - open - reserve));
        }
        return unlimited();
    }

    /** A budget of exactly this many descriptors (tests). */
    public static DescriptorBudget of(long capacity) {
        return new DescriptorBudget(capacity, capacity);
    }

    public static DescriptorBudget unlimited() {
        return new DescriptorBudget(Long.MAX_VALUE, Long.MAX_VALUE / 4);
    }

    public long capacity() {
        return capacity;
    }

    /** What one virtual service may take of {@link #capacity()}. */
    public long serviceLimit() {
        return serviceLimit;
    }

    public long used() {
        return node.used.get() + listeners.get();
    }

    /** Listener sockets come out of the budget while they are bound. */
    public void listenersBound(int count) {
        listeners.addAndGet(count);
    }

    public void listenersClosed(int count) {
        listeners.addAndGet(-count);
    }

    /** The account of one virtual service: its share, and the node's budget behind it. */
    public Share share(String service) {
        return new Share(service);
    }

    public final class Share {
        private final Account account;

        private Share(String service) {
            this.account = new Account("virtual service " + service);
        }

        /** Takes {@code count} descriptors if this service's share and the node's budget allow. */
        public boolean tryAcquire(int count) {
            if (!account.tryTake(count, serviceLimit, 0)) {
                account.refused(serviceLimit);
                return false;
            }
            if (!node.tryTake(count, capacity, listeners.get())) {
                account.give(count, serviceLimit);
                node.refused(capacity);
                return false;
            }
            return true;
        }

        public void release(int count) {
            account.give(count, serviceLimit);
            node.give(count, capacity - listeners.get());
        }

        public long used() {
            return account.used.get();
        }
    }

    /** Descriptors taken by one holder, and its current episode at the limit, if any. */
    private final class Account {
        private final String holder;
        private final AtomicLong used = new AtomicLong();
        private final AtomicBoolean atLimit = new AtomicBoolean();
        private final LongAdder refusedInEpisode = new LongAdder();
        private volatile long episodeStartedNanos;

        Account(String holder) {
            this.holder = holder;
        }

        boolean tryTake(int count, long limit, long alsoUsed) {
            while (true) {
                long current = used.get();
                if (current + count + alsoUsed > limit) {
                    return false;
                }
                if (used.compareAndSet(current, current + count)) {
                    return true;
                }
            }
        }

        void give(int count, long limit) {
            long now = used.addAndGet(-count);
            if (atLimit.get() && now < limit * RECOVERED_BELOW && atLimit.compareAndSet(true, false)) {
                LOG.log(Level.INFO, holder + " is below its descriptor limit again after "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - episodeStartedNanos) + "ms; "
                        + refusedInEpisode.sumThenReset() + " new clients were refused meanwhile");
            }
        }

        void refused(long limit) {
            refusedInEpisode.increment();
            if (atLimit.compareAndSet(false, true)) {
                episodeStartedNanos = System.nanoTime();
                LOG.log(Level.WARNING, holder + " reached its descriptor limit (" + limit + " of the node's "
                        + capacity + " for connections and flows; ulimit -n " + processLimit
                        + "): new clients are refused until it falls below " + (int) (RECOVERED_BELOW * 100) + "%");
            }
        }
    }
}
