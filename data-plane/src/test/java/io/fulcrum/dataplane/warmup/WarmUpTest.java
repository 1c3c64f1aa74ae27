package io.fulcrum.dataplane.warmup;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmUpTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    @AfterEach
    void stopLoops() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void everyPathCarriesTrafficWithinTheBudgetAndNothingIsLeftBehind() {
        long started = System.nanoTime();
        WarmUp.Report report = WarmUp.run(group, Duration.ofSeconds(2));
        long millis = (System.nanoTime() - started) / 1_000_000;

        assertNull(report.failure(), report.toString());
        assertTrue(report.connections() > 0 && report.exchanges() > 0 && report.datagrams() > 0, report.toString());
        // The budget, plus the I/O timeout a client may still be waiting on when it runs out.
        assertTrue(millis < 2_000 + 2 * TimeUnit.NANOSECONDS.toMillis(Traffic.IO_TIMEOUT_NANOS), millis + "ms");
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("fulcrum-warm-up")), "warm-up threads left");
    }

    @Test
    void aFailureEndsItEarlyAndIsReportedNotThrown() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();

        WarmUp.Report report = WarmUp.run(group, Duration.ofSeconds(2));

        assertNotNull(report.failure(), report.toString());
        assertTrue(report.toString().contains("ended early"), report.toString());
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("fulcrum-warm-up")), "warm-up threads left");
    }

    @Test
    void everyWayOfEndingAConnectionComesUpInEachCycle() {
        Set<Traffic.Script> seen = EnumSet.noneOf(Traffic.Script.class);
        for (int connection = 0; connection < Traffic.SCRIPT_CYCLE; connection++) {
            seen.add(Traffic.Script.of(connection));
        }

        assertEquals(EnumSet.allOf(Traffic.Script.class), seen);
    }

    @Test
    void aZeroBudgetEndsAtOnce() {
        WarmUp.Report report = WarmUp.run(group, Duration.ZERO);

        assertNull(report.failure(), report.toString());
        assertEquals(0, report.connections());
    }
}
