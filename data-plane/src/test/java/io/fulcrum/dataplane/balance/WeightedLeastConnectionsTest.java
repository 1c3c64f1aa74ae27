package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.TestConfigs;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.fulcrum.dataplane.balance.Servers.client;
import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightedLeastConnectionsTest {

    @Test
    void activeConnectionsFollowWeightRatios() {
        RealServer heavy = server("heavy", 300);
        RealServer light = server("light", 100);
        RealServerSelector selector = selector(List.of(heavy, light));
        for (int i = 0; i < 400; i++) {
            selector.select(client(i), Set.of());
        }
        assertEquals(300, heavy.activeConnections());
        assertEquals(100, light.activeConnections());
    }

    @Test
    void tiesRotateInsteadOfAlwaysPickingTheFirst() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        RealServer c = server("c", 100);
        RealServerSelector selector = selector(List.of(a, b, c));
        Map<RealServer, Integer> picks = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            RealServer chosen = selector.select(client(i), Set.of());
            picks.merge(chosen, 1, Integer::sum);
            chosen.release();
        }
        assertEquals(3, picks.size(), "every idle server got a turn: " + picks);
        picks.values().forEach(count -> assertTrue(count >= 5, "fair share: " + picks));
    }

    @Test
    void leastLoadedServerWinsAfterReleases() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        RealServerSelector selector = selector(List.of(a, b));
        for (int i = 0; i < 10; i++) {
            selector.select(client(i), Set.of());
        }
        for (int i = 0; i < 4; i++) {
            a.release();
        }
        assertEquals(b.activeConnections() - 4, a.activeConnections());
        assertEquals(a, selector.select(client(99), Set.of()));
    }

    private static RealServerSelector selector(List<RealServer> servers) {
        RealServerSelector selector = new RealServerSelector(System::currentTimeMillis);
        selector.update(servers, Algorithm.WEIGHTED_LEAST_CONNECTIONS, TestConfigs.noPersistence());
        return selector;
    }
}
