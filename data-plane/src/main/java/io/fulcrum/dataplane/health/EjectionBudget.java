package io.fulcrum.dataplane.health;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many of one virtual service's real servers passive failures may take out at once: half of
 * them, and always at least one (Envoy's max_ejection_percent, which also ejects at least one).
 * Traffic failures that hit most servers at once say more about the path than about the servers,
 * and active checks still take a dead server down.
 */
public final class EjectionBudget {
    private final AtomicInteger ejected = new AtomicInteger();
    private volatile int servers;

    public void servers(int count) {
        servers = count;
    }

    /** Takes one ejection if the budget allows; give it back with {@link #returned()}. */
    public boolean tryEject() {
        while (true) {
            int current = ejected.get();
            if (current >= Math.max(1, servers / 2)) {
                return false;
            }
            if (ejected.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    public void returned() {
        ejected.decrementAndGet();
    }
}
