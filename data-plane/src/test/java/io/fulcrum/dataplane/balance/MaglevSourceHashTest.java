package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.health.HealthTransition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fulcrum.dataplane.balance.Servers.client;
import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaglevSourceHashTest {
    private static final int CLIENTS = 5000;

    @Test
    void twoIndependentNodesPickTheSameServerForEveryClient() {
        MaglevSourceHash nodeA = new MaglevSourceHash(List.of(server("s1", 100), server("s2", 100), server("s3", 100)));
        // The second node lists the servers in another order: the choice must not depend on it.
        MaglevSourceHash nodeB = new MaglevSourceHash(List.of(server("s3", 100), server("s1", 100), server("s2", 100)));
        for (int i = 0; i < CLIENTS; i++) {
            assertEquals(nodeA.choose(client(i), s -> true).label(), nodeB.choose(client(i), s -> true).label());
        }
    }

    @Test
    void aServerLeavingMovesOnlyItsOwnClients() {
        RealServer s1 = server("s1", 100);
        RealServer s2 = server("s2", 100);
        RealServer s3 = server("s3", 100);
        RealServer s4 = server("s4", 100);
        MaglevSourceHash hash = new MaglevSourceHash(List.of(s1, s2, s3, s4));
        Map<Integer, RealServer> before = new HashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            before.put(i, hash.choose(client(i), s -> true));
        }
        s3.applyHealth(new HealthTransition(Health.UP, Health.DOWN, "connect refused", 1));
        int moved = 0;
        for (int i = 0; i < CLIENTS; i++) {
            RealServer after = hash.choose(client(i), s -> true);
            assertNotEquals(s3, after);
            if (before.get(i) != s3) {
                if (after != before.get(i)) {
                    moved++;
                }
            }
        }
        // Maglev guarantees near-minimal disruption; allow a small fraction of table collisions.
        assertTrue(moved < CLIENTS / 50, "clients of healthy servers moved: " + moved);
    }

    @Test
    void sharesFollowWeights() {
        RealServer heavy = server("heavy", 300);
        RealServer light = server("light", 100);
        MaglevSourceHash hash = new MaglevSourceHash(List.of(heavy, light));
        int heavyCount = 0;
        for (int i = 0; i < 20_000; i++) {
            if (hash.choose(client(i), s -> true) == heavy) {
                heavyCount++;
            }
        }
        double share = heavyCount / 20_000.0;
        assertTrue(share > 0.70 && share < 0.80, "heavy share " + share);
    }

    @Test
    void aSaturatedServerIsSkippedWithoutRebuildingTheTable() {
        RealServer s1 = server("s1", 100);
        RealServer s2 = server("s2", 100);
        MaglevSourceHash hash = new MaglevSourceHash(List.of(s1, s2));
        for (int i = 0; i < 100; i++) {
            assertEquals(s2, hash.choose(client(i), s -> s == s2));
        }
    }
}
