package io.fulcrum.dataplane.balance;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Source-IP persistence: client IP to the real server it last used. An entry expires
 * {@code timeout} after its last use (checked lazily on lookup and by {@link #sweep()}), and is
 * broken when its server goes down, is halted or leaves the configuration; drain keeps it.
 * Reads and writes are lock-free; at most {@link #MAX_ENTRIES} clients are remembered, beyond
 * that new clients are balanced without being pinned until a sweep frees room.
 *
 * <p>The nodes of an HA group share their tables: each entry this node's connections make, move or
 * keep using is announced to a {@link PersistenceSink} (new and moved entries at once, refreshes at
 * most every {@link #shareInterval()}), and entries the peers made arrive through {@link #merge}.
 * When two nodes pinned one client to different servers before hearing of each other, the earlier
 * pin wins on both (ties: the lower server key), so the group converges on one server per client.
 */
public final class PersistenceTable {
    public static final int MAX_ENTRIES = 1_000_000;
    /** The longest a peer's copy of an entry lags behind its use here (also at most a tenth of the timeout). */
    static final long MAX_SHARE_INTERVAL_MILLIS = 1_000;

    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier clockMillis;
    private final int maxEntries;
    private volatile long timeoutMillis;
    private volatile PersistenceSink sink = PersistenceSink.NONE;

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

    public Duration timeout() {
        return Duration.ofMillis(timeoutMillis);
    }

    /** Where this node's own pins and refreshes are announced (the peers of its group). */
    public void shareWith(PersistenceSink sink) {
        this.sink = sink;
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
        shareIfDue(client, entry, now);
        return entry.server;
    }

    /** Pins the client to the server a connection reached at its first try ({@link #pinReached}). */
    public void pin(InetAddress client, RealServer server) {
        pinReached(client, server, Set.of());
    }

    /**
     * Pins the client to the server one of its connections reached, which tried {@code tried} before.
     * A live pin to another server is kept when that server can still take the client and this
     * connection did not try it: the connection chose before the pin existed (two first connections
     * of one client at once), and the earlier pin wins, as between peers, so every node of a pair
     * keeps the same one. It moves when the pinned server failed this connection or cannot take it.
     */
    public void pinReached(InetAddress client, RealServer server, Set<RealServer> tried) {
        long now = clockMillis.getAsLong();
        Entry existing = entries.get(client);
        if (existing != null && existing.server == server) {
            existing.lastUsedMillis = now;
            shareIfDue(client, existing, now);
            return;
        }
        if (existing != null && !expired(existing, now) && !existing.server.breaksPersistence()
                && !existing.server.saturated() && !tried.contains(existing.server)) {
            return;
        }
        if (existing == null && entries.size() >= maxEntries) {
            sweep();
            if (entries.size() >= maxEntries) {
                return;
            }
        }
        Entry pinned = new Entry(server, now, now);
        pinned.sharedUsedMillis = now;
        entries.put(client, pinned);
        sink.changed(client);
    }

    /**
     * Takes a peer's entry: the client was pinned to {@code server} at {@code pinnedAtMillis} and last
     * used {@code idleMillis} ago. Ignored when it is expired, its server cannot keep clients here, or
     * this node holds an earlier pin of the client to another server. Never announced back.
     *
     * @return whether the entry is now in the table
     */
    public boolean merge(InetAddress client, RealServer server, long pinnedAtMillis, long idleMillis) {
        long now = clockMillis.getAsLong();
        long lastUsed = now - Math.max(0, idleMillis);
        if (idleMillis >= timeoutMillis || server.breaksPersistence()) {
            return false;
        }
        Entry incoming = new Entry(server, pinnedAtMillis, lastUsed);
        incoming.sharedUsedMillis = lastUsed;
        Entry result = entries.compute(client, (key, existing) -> {
            if (existing == null || expired(existing, now) || existing.server.breaksPersistence()) {
                return entries.size() >= maxEntries && existing == null ? null : incoming;
            }
            if (existing.server == server) {
                if (lastUsed > existing.lastUsedMillis) {
                    existing.lastUsedMillis = lastUsed;
                }
                // The peer already knows this use: no need to tell it again.
                existing.sharedUsedMillis = Math.max(existing.sharedUsedMillis, lastUsed);
                return existing;
            }
            return wins(incoming, existing) ? incoming : existing;
        });
        return result != null && result.server == server;
    }

    /** The entry of one client as it stands (for announcing it), or null when it is gone or expired. */
    public SharedEntry shared(InetAddress client) {
        Entry entry = entries.get(client);
        long now = clockMillis.getAsLong();
        if (entry == null || expired(entry, now) || entry.server.breaksPersistence()) {
            return null;
        }
        return new SharedEntry(client, entry.server, entry.pinnedAtMillis, now - entry.lastUsedMillis);
    }

    /** Every live entry, for a peer that (re)joins and needs the whole table. */
    public void forEachShared(java.util.function.Consumer<SharedEntry> consumer) {
        long now = clockMillis.getAsLong();
        entries.forEach((client, entry) -> {
            if (!expired(entry, now) && !entry.server.breaksPersistence()) {
                consumer.accept(new SharedEntry(client, entry.server, entry.pinnedAtMillis, now - entry.lastUsedMillis));
            }
        });
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

    /** How often a peer hears that an entry is still in use: a tenth of the timeout, at most a second. */
    long shareInterval() {
        return Math.max(1, Math.min(MAX_SHARE_INTERVAL_MILLIS, timeoutMillis / 10));
    }

    private void shareIfDue(InetAddress client, Entry entry, long now) {
        if (now - entry.sharedUsedMillis >= shareInterval()) {
            entry.sharedUsedMillis = now;
            sink.changed(client);
        }
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.lastUsedMillis >= timeoutMillis;
    }

    /** The earlier pin wins; at equal times the lower server key, so both nodes choose alike. */
    private static boolean wins(Entry incoming, Entry existing) {
        if (incoming.pinnedAtMillis != existing.pinnedAtMillis) {
            return incoming.pinnedAtMillis < existing.pinnedAtMillis;
        }
        return compareKeys(incoming.server, existing.server) < 0;
    }

    private static int compareKeys(RealServer a, RealServer b) {
        int byAddress = java.util.Arrays.compare(a.config().address().getAddress(), b.config().address().getAddress());
        if (byAddress != 0) {
            return byAddress;
        }
        int byPort = Integer.compare(a.config().port(), b.config().port());
        return byPort != 0 ? byPort : a.label().compareTo(b.label());
    }

    /** One entry as a peer is told of it. */
    public record SharedEntry(InetAddress client, RealServer server, long pinnedAtMillis, long idleMillis) {
    }

    private static final class Entry {
        final RealServer server;
        final long pinnedAtMillis;
        // Plain volatile writes: two loops refreshing the same client race harmlessly.
        volatile long lastUsedMillis;
        /** The last use the peers were told of. */
        volatile long sharedUsedMillis;

        Entry(RealServer server, long pinnedAtMillis, long lastUsedMillis) {
            this.server = server;
            this.pinnedAtMillis = pinnedAtMillis;
            this.lastUsedMillis = lastUsedMillis;
        }
    }
}
