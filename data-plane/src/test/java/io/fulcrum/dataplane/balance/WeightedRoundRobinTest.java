package io.fulcrum.dataplane.balance;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.fulcrum.dataplane.balance.Servers.client;
import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class WeightedRoundRobinTest {

    @Test
    void followsTheSmoothWeightedSequence() {
        RealServer a = server("a", 500);
        RealServer b = server("b", 100);
        RealServer c = server("c", 100);
        WeightedRoundRobin wrr = new WeightedRoundRobin(List.of(a, b, c));
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            picks.add(wrr.choose(client(1), s -> true).label());
        }
        // nginx's smooth sequence for weights 5:1:1, twice: spread out, never five a's in a row.
        List<String> cycle = List.of("a", "a", "b", "a", "c", "a", "a");
        List<String> expected = new ArrayList<>(cycle);
        expected.addAll(cycle);
        assertEquals(expected, picks);
    }

    @Test
    void skipsServersThatCannotTakeTheClient() {
        RealServer a = server("a", 100);
        RealServer b = server("b", 100);
        WeightedRoundRobin wrr = new WeightedRoundRobin(List.of(a, b));
        for (int i = 0; i < 5; i++) {
            assertEquals(b, wrr.choose(client(1), s -> s != a));
        }
        assertNull(wrr.choose(client(1), s -> false));
    }

    @Test
    void hugeWeightSumsAreScaledToABoundedSequence() {
        RealServer a = server("a", 65535);
        RealServer b = server("b", 65534);
        RealServer c = server("c", 1);
        int[] weights = WeightedRoundRobin.reducedWeights(new RealServer[] {a, b, c});
        int sum = weights[0] + weights[1] + weights[2];
        assertEquals(true, sum <= WeightedRoundRobin.MAX_SEQUENCE + 3, "sum " + sum);
        assertEquals(1, weights[2], "a positive weight never scales to zero");
    }
}
