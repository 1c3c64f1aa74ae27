package io.fulcrum.dataplane.proxy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One service takes at most three quarters of the node's descriptors; listeners come out of the budget. */
class DescriptorBudgetTest {

    @Test
    void aServiceTakesAtMostItsShareAndTheOthersTheRest() {
        DescriptorBudget budget = DescriptorBudget.of(100);
        DescriptorBudget.Share crowded = budget.share("crowded");
        DescriptorBudget.Share quiet = budget.share("quiet");
        for (int i = 0; i < 37; i++) {
            assertTrue(crowded.tryAcquire(2), "pair " + i);
        }
        assertFalse(crowded.tryAcquire(2), "75 of 100 is the share: 74 taken, a pair more would be 76");
        assertEquals(74, crowded.used());
        for (int i = 0; i < 13; i++) {
            assertTrue(quiet.tryAcquire(2), "the rest is the others'");
        }
        assertFalse(quiet.tryAcquire(1), "the node's 100 are spent");
        assertEquals(100, budget.used());
        crowded.release(2);
        assertTrue(quiet.tryAcquire(2), "given back, taken again");
        assertEquals(100, budget.used());
    }

    @Test
    void listenersComeOutOfTheNodesBudget() {
        DescriptorBudget budget = DescriptorBudget.of(10);
        budget.listenersBound(8);
        DescriptorBudget.Share service = budget.share("web");
        assertTrue(service.tryAcquire(2));
        assertFalse(service.tryAcquire(1));
        budget.listenersClosed(8);
        assertTrue(service.tryAcquire(1));
    }

    @Test
    void theProcessLimitLeavesAReserve() {
        DescriptorBudget budget = DescriptorBudget.ofThisProcess();
        long limit = ((com.sun.management.UnixOperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getMaxFileDescriptorCount();
        assertTrue(budget.capacity() <= limit - DescriptorBudget.RESERVE_MIN - limit / 16, budget.capacity() + " of " + limit);
    }
}
