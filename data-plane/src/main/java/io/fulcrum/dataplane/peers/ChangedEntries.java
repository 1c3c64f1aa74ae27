package io.fulcrum.dataplane.peers;

import io.fulcrum.dataplane.balance.PersistenceSink;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The entries this node's connections made or used since the last flush to the peers. A set, so a
 * client seen a thousand times between flushes is sent once (with its state at send time), and it
 * never holds more keys than the tables hold entries. The first change after a flush asks for the
 * next one at once: an entry leaves within one hand-off to the replication thread, which matters
 * when a client's next connection may land on the peer a millisecond later (SO_REUSEPORT).
 */
public final class ChangedEntries {
    private final Set<EntryKey> changed = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean flushRequested = new AtomicBoolean();
    private volatile Runnable requestFlush = () -> { };

    /** The sink a virtual service's table announces its entries to. */
    public PersistenceSink forService(String virtualService) {
        return client -> {
            changed.add(new EntryKey(virtualService, client));
            if (flushRequested.compareAndSet(false, true)) {
                requestFlush.run();
            }
        };
    }

    /** What the first change after a flush calls (it must only hand the flush to another thread). */
    void onChange(Runnable requestFlush) {
        this.requestFlush = requestFlush;
    }

    /** Takes every key noted so far; keys noted meanwhile stay for the next call. */
    List<EntryKey> drain() {
        flushRequested.set(false);
        List<EntryKey> keys = new ArrayList<>();
        for (Iterator<EntryKey> it = changed.iterator(); it.hasNext(); ) {
            keys.add(it.next());
            it.remove();
        }
        return keys;
    }
}
