package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.health.HealthTransition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.fulcrum.dataplane.balance.Servers.client;
import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EligibilityTest {

    @Test
    void drainedHaltedWeightZeroAndDownServersTakeNoNewClients() {
        RealServer drained = server("drained", 100);
        drained.update(drained.config().withState(AdminState.DRAIN));
        RealServer halted = server("halted", 100);
        halted.update(halted.config().withState(AdminState.HALT));
        RealServer weightless = server("weightless", 0);
        RealServer down = server("down", 100);
        down.applyHealth(new HealthTransition(Health.UNKNOWN, Health.DOWN, "connect refused", 1));
        RealServer healthy = server("healthy", 100);

        for (Algorithm algorithm : Algorithm.values()) {
            RealServerSelector selector = new RealServerSelector(System::currentTimeMillis);
            selector.update(List.of(drained, halted, weightless, down, healthy), algorithm, TestConfigs.noPersistence());
            for (int i = 0; i < 20; i++) {
                RealServer chosen = selector.select(client(i), Set.of());
                assertEquals(healthy, chosen, algorithm.name());
                chosen.release();
            }
        }
    }

    @Test
    void unknownHealthIsEligibleSoNewServersTakeTrafficBeforeTheirFirstCheck() {
        RealServer fresh = server("fresh", 100);
        assertEquals(Health.UNKNOWN, fresh.health());
        assertTrue(fresh.acceptsNewClients());
    }

    @Test
    void drainKeepsPersistentClientsButHaltAndDownDoNot() {
        RealServer server = server("s", 100);
        server.update(server.config().withState(AdminState.DRAIN));
        assertFalse(server.acceptsNewClients());
        assertTrue(server.keepsPersistentClients());
        server.update(server.config().withState(AdminState.ONLINE).withWeight(0));
        assertTrue(server.keepsPersistentClients());
        server.update(server.config().withState(AdminState.HALT).withWeight(100));
        assertFalse(server.keepsPersistentClients());
        server.update(server.config().withState(AdminState.ONLINE));
        server.applyHealth(new HealthTransition(Health.UP, Health.DOWN, "timeout after 2000ms", 1));
        assertFalse(server.keepsPersistentClients());
    }

    @Test
    void saturatedServerWaitsUntilActiveFallsBelowMinConnections() {
        RealServer server = server("s", 100);
        server.update(server.config().withLimits(2, 4));
        for (int i = 0; i < 4; i++) {
            assertTrue(server.tryReserve());
        }
        assertFalse(server.tryReserve(), "max reached");
        assertTrue(server.saturated());
        server.release();
        server.release();
        assertEquals(2, server.activeConnections());
        assertFalse(server.acceptsNewClients(), "still saturated at 2, not below min 2");
        server.release();
        assertFalse(server.saturated(), "below min: takes connections again");
        assertTrue(server.tryReserve());
    }

    @Test
    void withoutMinConnectionsSaturationEndsBelowThreeQuartersOfMax() {
        RealServer server = server("s", 100);
        server.update(server.config().withLimits(0, 8));
        for (int i = 0; i < 8; i++) {
            assertTrue(server.tryReserve());
        }
        server.release();
        server.release();
        assertTrue(server.saturated(), "6 is not below 3/4 of 8");
        server.release();
        assertFalse(server.saturated(), "5 is below 6");
    }

    @Test
    void maxConnectionsZeroMeansUnlimited() {
        RealServer server = server("s", 100);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(server.tryReserve());
        }
        assertFalse(server.saturated());
    }

    @Test
    void selectorSkipsSaturatedServersAndReturnsNullWhenNoneCanTakeTheClient() {
        RealServer a = server("a", 100);
        a.update(a.config().withLimits(0, 1));
        RealServerSelector selector = new RealServerSelector(System::currentTimeMillis);
        selector.update(List.of(a), Algorithm.WEIGHTED_LEAST_CONNECTIONS, TestConfigs.noPersistence());
        assertEquals(a, selector.select(client(1), Set.of()));
        assertNull(selector.select(client(2), Set.of()));
    }

    @Test
    void selectorNeverOffersAServerAlreadyTriedForThisConnection() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        RealServerSelector selector = new RealServerSelector(System::currentTimeMillis);
        selector.update(List.of(a, b), Algorithm.WEIGHTED_ROUND_ROBIN, TestConfigs.noPersistence());
        for (int i = 0; i < 6; i++) {
            RealServer chosen = selector.select(client(i), Set.of(a));
            assertEquals(b, chosen);
            chosen.release();
        }
        assertNull(selector.select(client(1), Set.of(a, b)));
    }
}
