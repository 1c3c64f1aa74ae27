package io.fulcrum.dataplane.health;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthStateMachineTest {
    private final HealthStateMachine machine = new HealthStateMachine();

    @Test
    void firstSuccessDecidesUp() {
        HealthTransition t = machine.record(true, "connect succeeded", 2, 3, 10).orElseThrow();
        assertEquals(Health.UNKNOWN, t.from());
        assertEquals(Health.UP, t.to());
        assertEquals("connect succeeded", t.reason());
        assertEquals(10, t.atEpochMillis());
    }

    @Test
    void firstFailureDecidesDownWithItsReason() {
        HealthTransition t = machine.record(false, "connect refused", 2, 3, 10).orElseThrow();
        assertEquals(Health.DOWN, t.to());
        assertEquals("connect refused", t.reason());
    }

    @Test
    void upGoesDownOnlyAfterFallConsecutiveFailures() {
        machine.record(true, "ok", 2, 3, 0);
        assertTrue(machine.record(false, "timeout after 2000ms", 2, 3, 1).isEmpty());
        assertTrue(machine.record(false, "timeout after 2000ms", 2, 3, 2).isEmpty());
        HealthTransition t = machine.record(false, "timeout after 2000ms", 2, 3, 3).orElseThrow();
        assertEquals(Health.DOWN, t.to());
        assertEquals("3 consecutive failures: timeout after 2000ms", t.reason());
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        machine.record(true, "ok", 2, 3, 0);
        machine.record(false, "connect refused", 2, 3, 1);
        machine.record(false, "connect refused", 2, 3, 2);
        machine.record(true, "ok", 2, 3, 3);
        assertTrue(machine.record(false, "connect refused", 2, 3, 4).isEmpty());
        assertEquals(Health.UP, machine.health());
    }

    @Test
    void downComesUpAfterRiseConsecutiveSuccesses() {
        machine.record(false, "connect refused", 2, 3, 0);
        assertTrue(machine.record(true, "ok", 2, 3, 1).isEmpty());
        Optional<HealthTransition> t = machine.record(true, "ok", 2, 3, 2);
        assertEquals(Health.UP, t.orElseThrow().to());
        assertEquals("2 consecutive successes", t.get().reason());
    }

    @Test
    void onlyTransitionsAreEmitted() {
        int transitions = 0;
        for (int i = 0; i < 10; i++) {
            if (machine.record(true, "ok", 2, 3, i).isPresent()) {
                transitions++;
            }
        }
        assertEquals(1, transitions);
    }

    @Test
    void forcedHealthIsATransitionOnlyWhenItChanges() {
        assertEquals("not checked", machine.force(Health.UP, "not checked", 0).orElseThrow().reason());
        assertTrue(machine.force(Health.UP, "not checked", 1).isEmpty());
    }
}
