package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.health.icmp.IcmpPinger;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Passive failures take a real server down at once and keep it down for the ejection time, whatever
 * the active check says; then the check decides again. At most half of a service's servers go.
 */
class PassiveEjectionTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final HealthCheckConfig notChecked = TestConfigs.connectCheck().withType(HealthCheckType.NONE)
            .withTiming(Duration.ofMillis(10), Duration.ofMillis(100), 1, 1);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private HealthChecker checker(RealServer server, EjectionBudget budget) {
        HealthChecker checker = new HealthChecker(server, () -> notChecked, () -> 80, group.next(),
                (s, transition) -> s.applyHealth(transition), clock::get,
                () -> IcmpPinger.withoutSockets("not used"), budget);
        server.onPassiveFailure(checker::eject);
        checker.start();
        return checker;
    }

    private static RealServer server(String label) throws Exception {
        return new RealServer(TestConfigs.online(label, InetAddress.getByName("127.0.0.1"), 9));
    }

    @Test
    void threeFailuresInARowEjectForThirtySecondsThenTheCheckDecides() throws Exception {
        EjectionBudget budget = new EjectionBudget();
        budget.servers(2);
        RealServer server = server("rs1");
        HealthChecker checker = checker(server, budget);
        await("up (not checked)", () -> server.health() == Health.UP);

        server.upstreamFailed("ICMP port unreachable");
        server.upstreamFailed("ICMP port unreachable");
        server.upstreamAnswered();
        server.upstreamFailed("ICMP port unreachable");
        server.upstreamFailed("ICMP port unreachable");
        assertEquals(Health.UP, server.health(), "an answer between failures starts the count over");
        server.upstreamFailed("ICMP port unreachable");
        await("ejected", () -> server.health() == Health.DOWN);
        assertTrue(server.healthReason().startsWith("passive: 3 in a row: ICMP port unreachable; checked again in 30s"),
                server.healthReason());

        clock.addAndGet(29_000);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < until) {
            assertEquals(Health.DOWN, server.health(), "the check may not bring it back while it is ejected");
        }
        clock.addAndGet(1_001);
        await("back after the ejection time", () -> server.health() == Health.UP);

        // Ejected again soon after: twice as long.
        for (int i = 0; i < 3; i++) {
            server.upstreamFailed("connect refused");
        }
        await("ejected again", () -> server.health() == Health.DOWN);
        assertTrue(server.healthReason().endsWith("checked again in 60s"), server.healthReason());
        checker.stop();
    }

    @Test
    void atMostHalfOfAServicesServersAreEjected() throws Exception {
        EjectionBudget budget = new EjectionBudget();
        budget.servers(2);
        RealServer first = server("rs1");
        RealServer second = server("rs2");
        HealthChecker one = checker(first, budget);
        HealthChecker two = checker(second, budget);
        await("both up", () -> first.health() == Health.UP && second.health() == Health.UP);
        for (int i = 0; i < 3; i++) {
            first.upstreamFailed("refused");
        }
        await("first ejected", () -> first.health() == Health.DOWN);
        for (int i = 0; i < 3; i++) {
            second.upstreamFailed("refused");
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (System.nanoTime() < until) {
            assertEquals(Health.UP, second.health(), "the last server of two stays");
        }
        one.stop();
        two.stop();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not " + what + " within 5s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }
}
