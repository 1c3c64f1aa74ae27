package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.AdminState;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.dataplane.balance.Servers.client;
import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a node's persistence table tells its peers of entries, and takes theirs. */
class PersistenceSharingTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final PersistenceTable table = new PersistenceTable(Duration.ofMinutes(6), clock::get, 3);
    private final List<InetAddress> announced = new ArrayList<>();
    private final RealServer a = server("a", 100);
    private final RealServer b = server("b", 100);

    PersistenceSharingTest() {
        table.shareWith(announced::add);
    }

    @Test
    void aNewPinIsAnnouncedAtOnceAndAMovedOneToo() {
        table.pin(client(1), a);
        table.pinReached(client(1), b, java.util.Set.of(a));
        assertEquals(List.of(client(1), client(1)), announced);
    }

    @Test
    void useIsAnnouncedAtMostOncePerShareInterval() {
        table.pin(client(1), a);
        announced.clear();
        for (int i = 0; i < 100; i++) {
            clock.addAndGet(5);
            table.lookup(client(1));
        }
        assertEquals(0, announced.size(), "500 ms of use is within the one-second interval");
        clock.addAndGet(PersistenceTable.MAX_SHARE_INTERVAL_MILLIS);
        table.lookup(client(1));
        assertEquals(List.of(client(1)), announced);
    }

    @Test
    void aPeersEntryKeepsItsAgeSoItExpiresWhenItWouldHaveThere() {
        assertTrue(table.merge(client(1), a, clock.get() - 300_000, Duration.ofMinutes(5).toMillis()));
        assertEquals(a, table.lookup(client(1)));
        PersistenceTable fresh = new PersistenceTable(Duration.ofMinutes(6), clock::get, 3);
        fresh.merge(client(1), a, clock.get(), Duration.ofMinutes(5).toMillis());
        clock.addAndGet(Duration.ofMinutes(1).toMillis());
        assertNull(fresh.lookup(client(1)), "last used six minutes ago on the peer");
    }

    @Test
    void whatPeersSendIsNeverAnnouncedBack() {
        table.merge(client(1), a, clock.get(), 0);
        table.lookup(client(1));
        assertEquals(List.of(), announced);
    }

    @Test
    void theEarlierPinWinsOnBothNodes() {
        PersistenceTable other = new PersistenceTable(Duration.ofMinutes(6), clock::get, 3);
        long early = clock.get();
        table.pin(client(1), a);
        clock.addAndGet(3);
        other.pin(client(1), b);
        PersistenceTable.SharedEntry fromHere = table.shared(client(1));
        PersistenceTable.SharedEntry fromThere = other.shared(client(1));
        assertFalse(table.merge(client(1), b, fromThere.pinnedAtMillis(), fromThere.idleMillis()), "later pin loses");
        assertTrue(other.merge(client(1), a, fromHere.pinnedAtMillis(), fromHere.idleMillis()), "earlier pin wins");
        assertEquals(a, table.lookup(client(1)));
        assertEquals(a, other.lookup(client(1)));
        assertEquals(early, other.shared(client(1)).pinnedAtMillis());
    }

    @Test
    void pinsMadeInTheSameMillisecondSettleOnTheLowerServerEverywhere() {
        PersistenceTable other = new PersistenceTable(Duration.ofMinutes(6), clock::get, 3);
        table.pin(client(1), a);
        other.pin(client(1), b);
        table.merge(client(1), b, clock.get(), 0);
        other.merge(client(1), a, clock.get(), 0);
        assertEquals(table.lookup(client(1)), other.lookup(client(1)));
    }

    @Test
    void aPeersEntryToAServerThatCannotKeepClientsHereIsIgnored() {
        a.update(a.config().withState(AdminState.HALT));
        assertFalse(table.merge(client(1), a, clock.get(), 0));
        assertFalse(table.merge(client(2), b, clock.get(), Duration.ofMinutes(6).toMillis()), "expired on the peer");
        assertEquals(0, table.size());
    }

    @Test
    void aPeersEntryReplacesOneWhoseServerWentAwayHere() {
        table.pin(client(1), a);
        a.update(a.config().withState(AdminState.HALT));
        assertTrue(table.merge(client(1), b, clock.get() + 10, 0));
        assertEquals(b, table.lookup(client(1)));
    }

    @Test
    void aPeersMoreRecentUseRefreshesTheEntry() {
        table.pin(client(1), a);
        clock.addAndGet(Duration.ofMinutes(5).toMillis());
        table.merge(client(1), a, clock.get(), 0);
        clock.addAndGet(Duration.ofMinutes(5).toMillis());
        assertEquals(a, table.lookup(client(1)), "used on the peer five minutes ago");
    }

    @Test
    void peersCannotGrowTheTablePastItsBound() {
        for (int i = 0; i < 10; i++) {
            table.merge(client(i), a, clock.get(), 0);
        }
        assertEquals(3, table.size());
    }

    @Test
    void theWholeTableListsLiveEntriesOnly() {
        table.pin(client(1), a);
        table.pin(client(2), b);
        b.update(b.config().withState(AdminState.HALT));
        List<InetAddress> listed = new ArrayList<>();
        table.forEachShared(entry -> listed.add(entry.client()));
        assertEquals(List.of(client(1)), listed);
    }
}
