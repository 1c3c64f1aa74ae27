package io.fulcrum.controlplane.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class FailedAuthenticationsTest {

    @Test
    void tenFailuresInAMinuteThrottleUntilTheOldestLeavesTheWindow() {
        FailedAuthentications failures = new FailedAuthentications();
        for (int i = 0; i < 10; i++) {
            assertTrue(failures.retryAfter("a", 1_000 + i * 1000L).isEmpty());
            failures.failed("a", 1_000 + i * 1000L);
        }
        assertEquals(OptionalLong.of(51), failures.retryAfter("a", 10_000));
        assertTrue(failures.retryAfter("b", 10_000).isEmpty(), "another address is not throttled");
        assertTrue(failures.retryAfter("a", 61_001).isEmpty(), "the oldest failure left the window");
    }

    @Test
    void memoryIsBoundedByForgettingTheLeastRecentlyFailingAddress() {
        FailedAuthentications failures = new FailedAuthentications();
        for (int i = 0; i < 10; i++) {
            failures.failed("first", i);
        }
        for (int i = 0; i < 10_000; i++) {
            failures.failed("other-" + i, 100);
        }
        assertTrue(failures.retryAfter("first", 200).isEmpty(), "forgotten once 10,000 others failed after it");
    }
}
