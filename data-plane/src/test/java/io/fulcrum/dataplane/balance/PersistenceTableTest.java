package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.PersistenceConfig;
import io.fulcrum.dataplane.config.PersistenceMode;
import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.health.HealthTransition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.dataplane.balance.Servers.client;
import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class PersistenceTableTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final PersistenceTable table = new PersistenceTable(Duration.ofMinutes(6), clock::get, 3);
    private final RealServer server = server("s", 100);

    @Test
    void useRefreshesTheEntrySoItLivesTimeoutAfterTheLastUse() {
        table.pin(client(1), server);
        clock.addAndGet(Duration.ofMinutes(5).toMillis());
        assertEquals(server, table.lookup(client(1)));
        clock.addAndGet(Duration.ofMinutes(5).toMillis());
        assertEquals(server, table.lookup(client(1)), "refreshed 5 minutes ago");
    }

    @Test
    void entryExpiresTimeoutAfterLastUse() {
        table.pin(client(1), server);
        clock.addAndGet(Duration.ofMinutes(6).toMillis());
        assertNull(table.lookup(client(1)));
        assertEquals(0, table.size());
    }

    @Test
    void drainKeepsTheEntry() {
        table.pin(client(1), server);
        server.update(server.config().withState(AdminState.DRAIN));
        assertEquals(server, table.lookup(client(1)));
    }

    @Test
    void haltBreaksTheEntry() {
        table.pin(client(1), server);
        server.update(server.config().withState(AdminState.HALT));
        assertNull(table.lookup(client(1)));
    }

    @Test
    void downBreaksTheEntry() {
        table.pin(client(1), server);
        server.applyHealth(new HealthTransition(Health.UP, Health.DOWN, "connect refused", 1));
        assertNull(table.lookup(client(1)));
    }

    @Test
    void sweepRemovesExpiredEntriesAndTheSizeIsBounded() {
        table.pin(client(1), server);
        table.pin(client(2), server);
        table.pin(client(3), server);
        table.pin(client(4), server);
        assertEquals(3, table.size(), "bounded");
        assertNull(table.lookup(client(4)));
        clock.addAndGet(Duration.ofMinutes(7).toMillis());
        table.sweep();
        assertEquals(0, table.size());
    }

    @Test
    void keyIsTheClientIpNotItsPort() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        RealServerSelector selector = new RealServerSelector(clock::get);
        selector.update(List.of(a, b), Algorithm.WEIGHTED_ROUND_ROBIN,
                new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofMinutes(6)));
        RealServer first = selector.select(client(7), Set.of());
        selector.connected(client(7), first);
        for (int i = 0; i < 10; i++) {
            assertEquals(first, selector.select(client(7), Set.of()));
        }
    }

    @Test
    void drainedServerKeepsPersistentClientsThroughTheSelector() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        RealServerSelector selector = new RealServerSelector(clock::get);
        selector.update(List.of(a, b), Algorithm.WEIGHTED_LEAST_CONNECTIONS,
                new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofMinutes(6)));
        RealServer first = selector.select(client(7), Set.of());
        selector.connected(client(7), first);
        first.update(first.config().withState(AdminState.DRAIN));
        assertEquals(first, selector.select(client(7), Set.of()), "persistent client follows its drained server");
        RealServer other = selector.select(client(8), Set.of());
        assertEquals(first == a ? b : a, other, "new clients avoid the drained server");
    }

    /**
     * Two first connections of one client chose different servers before either was pinned: the first
     * to connect pins the client and the other does not move it (the peers' rule: the earlier pin
     * wins), while a connection that failed on the pinned server does move it.
     */
    @Test
    void theFirstPinOfConcurrentFirstConnectionsStaysAndAFailedPinnedServerMovesIt() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        RealServerSelector selector = new RealServerSelector(clock::get);
        selector.update(List.of(a, b), Algorithm.WEIGHTED_LEAST_CONNECTIONS,
                new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofMinutes(6)));
        RealServer one = selector.select(client(7), Set.of());
        RealServer two = selector.select(client(7), Set.of());
        assertEquals(Set.of(a, b), Set.of(one, two), "least connections spreads the two");
        selector.connected(client(7), one, Set.of(one));
        clock.addAndGet(5);
        selector.connected(client(7), two, Set.of(two));
        one.release();
        two.release();
        assertEquals(one, selector.select(client(7), Set.of()), "the first pin stays");
        one.release();
        clock.addAndGet(5);
        selector.connected(client(7), two, Set.of(one, two));
        assertEquals(two, selector.select(client(7), Set.of()), "a retry away from the pinned server moves the pin");
    }

    @Test
    void haltedServerLosesPersistentClientsToAnotherServer() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        RealServerSelector selector = new RealServerSelector(clock::get);
        selector.update(List.of(a, b), Algorithm.WEIGHTED_LEAST_CONNECTIONS,
                new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofMinutes(6)));
        selector.connected(client(7), a);
        a.update(a.config().withState(AdminState.HALT));
        assertEquals(b, selector.select(client(7), Set.of()));
    }
}
