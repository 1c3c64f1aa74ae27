package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.TestConfigs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.fulcrum.dataplane.balance.Servers.client;
import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionLimitRaceTest {

    @Test
    void concurrentSelectionsNeverPushARealServerPastMaxConnections() throws Exception {
        RealServer a = server("a", 100);
        RealServer b = server("b", 300);
        a.update(a.config().withLimits(0, 20));
        b.update(b.config().withLimits(0, 30));
        RealServerSelector selector = new RealServerSelector(System::currentTimeMillis);
        selector.update(List.of(a, b), Algorithm.WEIGHTED_LEAST_CONNECTIONS, TestConfigs.noPersistence());

        AtomicInteger worstA = new AtomicInteger();
        AtomicInteger worstB = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int seed = t;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 20_000; i++) {
                    RealServer chosen = selector.select(client(seed * 1000 + i % 1000), Set.of());
                    if (chosen == null) {
                        refused.incrementAndGet();
                        continue;
                    }
                    worstA.accumulateAndGet(a.activeConnections(), Math::max);
                    worstB.accumulateAndGet(b.activeConnections(), Math::max);
                    chosen.release();
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        assertTrue(worstA.get() <= 20, "a reached " + worstA.get());
        assertTrue(worstB.get() <= 30, "b reached " + worstB.get());
        assertEquals(0, a.activeConnections());
        assertEquals(0, b.activeConnections());
        assertEquals(0, refused.get(), "8 threads never hold 50 slots at once");
    }
}
