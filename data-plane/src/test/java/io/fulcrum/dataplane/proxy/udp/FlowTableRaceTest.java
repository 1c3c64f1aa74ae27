package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.FlowSettings;
import io.fulcrum.dataplane.config.PersistenceConfig;
import io.fulcrum.dataplane.config.PersistenceMode;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.health.HealthTransition;
import io.fulcrum.dataplane.testing.FixedService;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.dataplane.testing.RuntimeFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loops opening, re-pinning and expiring the same flows at once never count or release one twice. */
class FlowTableRaceTest {
    private static final int THREADS = 4;
    private static final int ROUNDS = 20_000;

    @Test
    void concurrentRoutingRepinningAndExpiryKeepEveryCountExact() throws Exception {
        // One tick per routed datagram: flows idle for 500 routes expire, so some live across state flips.
        AtomicLong clock = new AtomicLong();
        RealServer a = new RealServer(TestConfigs.online("a", ip("127.0.0.21"), 53).withLimits(0, 15));
        RealServer b = new RealServer(TestConfigs.online("b", ip("127.0.0.22"), 53));
        ServiceCounters counters = new ServiceCounters();
        RealServerSelector selector = new RealServerSelector(clock::get);
        PersistenceConfig persistence = new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofHours(6));
        selector.update(List.of(a, b), Algorithm.WEIGHTED_LEAST_CONNECTIONS, persistence);
        VirtualServiceConfig config = TestConfigs.udp("udp", ip("127.0.0.1"), List.of(53), List.of())
                .withFlows(new FlowSettings(Duration.ofMillis(500), 40)).withPersistence(persistence);
        ConcurrentLinkedQueue<CountingUpstream> opened = new ConcurrentLinkedQueue<>();
        FlowTable table = new FlowTable(new FixedService(config, selector, counters), (t, flow, target) -> {
            CountingUpstream upstream = new CountingUpstream();
            opened.add(upstream);
            return upstream;
        }, clock::get);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch routed = new CountDownLatch(THREADS);
        AtomicInteger flips = new AtomicInteger();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int t = 0; t < THREADS; t++) {
            pool.execute(() -> {
                await(start);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                // Keep routing until the state flipper has really run alongside and moved a flow (bounded in time).
                for (int i = 0; (i < ROUNDS || flips.get() < 500 || counters.repinnedFlows() == 0)
                        && System.nanoTime() < deadline; i++) {
                    FlowKey key = new FlowKey(new InetSocketAddress(ip("127.0.100." + random.nextInt(1, 30)),
                            random.nextInt(1000, 1004)), 53);
                    table.route(key, null);
                    clock.incrementAndGet();
                }
                routed.countDown();
            });
        }
        pool.execute(() -> {
            await(start);
            // Bounded by the routing loops, which are bounded in count.
            for (int i = 0; routed.getCount() > 0; i++) {
                table.expireIdle();
                // Take a, then b, down and up again, so flows on each are re-pinned while others route.
                // Both must flip: with only a flipping, every client drifts to b for good (persistence
                // holds it there) and re-pinning stops after the first few milliseconds.
                RealServer flipped = i % 4 < 2 ? a : b;
                flipped.applyHealth(i % 2 == 0
                        ? new HealthTransition(Health.UP, Health.DOWN, "timeout", clock.get())
                        : new HealthTransition(Health.DOWN, Health.UP, "2 consecutive successes", clock.get()));
                flips.incrementAndGet();
            }
        });
        start.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "race loops finished in time");

        assertTrue(table.liveFlows() <= 40, "flow limit held: " + table.liveFlows());
        assertEquals(table.liveFlows(), counters.active());
        assertEquals(table.liveFlows(), a.activeConnections() + b.activeConnections());
        table.endAll();
        assertEquals(0, table.liveFlows());
        assertEquals(0, counters.active());
        assertEquals(0, a.activeConnections());
        assertEquals(0, b.activeConnections());
        for (CountingUpstream upstream : opened) {
            assertEquals(1, upstream.closes.get(), "every upstream socket closed exactly once");
        }
        assertTrue(counters.repinnedFlows() > 0, "the race exercised re-pinning");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class CountingUpstream implements FlowUpstream {
        final AtomicInteger closes = new AtomicInteger();

        @Override
        public boolean send(UdpLoop from) {
            return true;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
