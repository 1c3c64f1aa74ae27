package io.fulcrum.dataplane.balance;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Source-IP persistence: client IP to the real server it last used. An entry expires
 * {@code timeout} after its last use (checked lazily on lookup and by {@link #sweep()}), and is
 * broken when its server goes down, is halted or leaves the configuration; drain keeps it.
 * Reads and writes are lock-free; at most {@link #MAX_ENTRIES} clients are remembered, beyond
 * that new clients are balanced without being pinned until a sweep frees room.
 */
public final class PersistenceTable {
    public static final int MAX_ENTRIES = 1_000_000;

    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;
    private final int maxEntries;
    private volatile long timeoutMillis;

    public PersistenceTable(Duration timeout, LongSupplier clockMillis) {
        this(timeout, clockMillis, MAX_ENTRIES);
    }

    PersistenceTable(Duration timeout, LongSupplier clockMillis, int maxEntries) {
        this.timeoutMillis = timeout.toMillis();
        this.clockMillis = clockMillis;
        this.maxEntries = maxEntries;
    }

    public void setTimeout(Duration timeout) {
        this.timeoutMillis = timeout.toMillis();
    }

    /** Returns the live server the client is pinned to and refreshes its time, or null. */
    public RealServer lookup(InetAddress client) {
        Entry entry = entries.get(client);
        if (entry == null) {
            return null;
        }
        long now = clockMillis.getAsLong();
        if (expired(entry, now) || entry.server.breaksPersistence()) {
            entries.remove(client, entry);
            return null;
        }
        entry.lastUsedMillis = now;
        return entry.server;
    }

    /** Pins the client to the server (replacing any previous pin). */
    public void pin(InetAddress client, RealServer server) {
        long now = clockMillis.getAsLong();
        Entry existing = entries.get(client);
        if (existing != null && existing.server == server) {
            existing.lastUsedMillis = now;
            return;
        }
        if (existing == null && entries.size() >= maxEntries) {
            sweep();
            if (entries.size() >= maxEntries) {
                return;
            }
        }
        entries.put(client, new Entry(server, now));
    }

    /** Drops every entry that points at the server (it went down or was halted). */
    public void breakEntriesTo(RealServer server) {
        entries.values().removeIf(entry -> entry.server == server);
    }

    /** Removes expired entries and entries whose server can no longer keep them. */
    public void sweep() {
        long now = clockMillis.getAsLong();
        entries.values().removeIf(entry -> expired(entry, now) || entry.server.breaksPersistence());
    }

    public int size() {
        return entries.size();
    }

    public void clear() {
        entries.clear();
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.lastUsedMillis >= timeoutMillis;
    }

    private static final class Entry {
        final RealServer server;
        // Plain volatile write: two loops refreshing the same client race harmlessly.
        volatile long lastUsedMillis;

        Entry(RealServer server, long lastUsedMillis) {
            this.server = server;
            this.lastUsedMillis = lastUsedMillis;
        }
    }
}
