package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.health.icmp.IcmpPinger;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real ICMP echoes: loopback answers; an address in a network namespace of our own that ignores
 * echo requests never does. The namespace and its veth pair exist only for this class.
 */
class PingCheckTest {
    private static final int X = ThreadLocalRandom.current().nextInt(1, 250);
    private static final String NAMESPACE = "fulcrum-ping-" + X;
    private static final String HOST_SIDE = "fping" + X + "h";
    private static final String SILENT = "198.18." + X + ".2";
    private static boolean namespaceReady;
    private static String skipReason = "not tried";

    @BeforeAll
    static void createSilentNamespace() {
        try {
            if (!run("ip", "netns", "add", NAMESPACE)) {
                skipReason = "ip netns add is unavailable or not permitted here";
                return;
            }
            namespaceReady = run("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", "fping" + X + "p")
                    && run("ip", "link", "set", "fping" + X + "p", "netns", NAMESPACE)
                    && run("ip", "addr", "add", "198.18." + X + ".1/30", "dev", HOST_SIDE)
                    && run("ip", "link", "set", HOST_SIDE, "up")
                    && run("ip", "netns", "exec", NAMESPACE, "ip", "addr", "add", SILENT + "/30", "dev", "fping" + X + "p")
                    && run("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "fping" + X + "p", "up")
                    && run("ip", "netns", "exec", NAMESPACE, "sysctl", "-w", "net.ipv4.icmp_echo_ignore_all=1");
            skipReason = namespaceReady ? "" : "could not set up the veth pair in the network namespace";
        } catch (IOException e) {
            skipReason = "ip netns is unavailable: " + e.getMessage();
        }
    }

    @AfterAll
    static void deleteSilentNamespace() throws IOException {
        run("ip", "link", "del", HOST_SIDE);
        run("ip", "netns", "del", NAMESPACE);
    }

    @Test
    void loopbackAnswersEchoRequestsOverIpv4AndIpv6() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (IcmpPinger pinger = new IcmpPinger()) {
            assumeTrue(pinger.unavailable(InetAddress.getByName("127.0.0.1")).isEmpty(),
                    "ICMP sockets not permitted for this process");
            EventLoop loop = group.next();
            for (String address : List.of("127.0.0.1", "::1", "127.0.0.1")) {
                ProbeResult result = pinger.ping(loop, InetAddress.getByName(address), 2000).get(5, TimeUnit.SECONDS);
                assertTrue(result.success(), address + ": " + result.detail());
                assertEquals("echo reply", result.detail());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void withoutIcmpRightsTheServerStaysUnknownWithTheReason() throws Exception {
        String reason = "ICMP needs CAP_NET_RAW or net.ipv4.ping_group_range (test)";
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (IcmpPinger pinger = IcmpPinger.withoutSockets(reason)) {
            RealServer server = new RealServer(TestConfigs.online("rs1", InetAddress.getByName("127.0.0.1"), 0));
            List<HealthTransition> transitions = new java.util.concurrent.CopyOnWriteArrayList<>();
            HealthCheckConfig ping = TestConfigs.connectCheck().withType(HealthCheckType.PING)
                    .withTiming(Duration.ofMillis(20), Duration.ofMillis(100), 1, 1);
            HealthChecker checker = new HealthChecker(server, () -> ping, () -> 80, group.next(),
                    (s, t) -> transitions.add(t), System::currentTimeMillis, () -> pinger, new EjectionBudget());
            checker.start();
            await("reason reported", Duration.ofSeconds(5), () -> reason.equals(server.healthReason()));
            checker.stop();
            assertEquals(Health.UNKNOWN, server.health());
            assertTrue(transitions.isEmpty(), transitions.toString());
            assertTrue(pinger.ping(group.next(), InetAddress.getByName("127.0.0.1"), 100).get(5, TimeUnit.SECONDS)
                    .detail().equals(reason));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void anAddressThatNeverAnswersTimesOutAndIsMarkedDown() throws Exception {
        assumeTrue(namespaceReady, "skipped: " + skipReason);
        try (RuntimeFixture fixture = new RuntimeFixture()) {
            HealthCheckConfig ping = TestConfigs.connectCheck().withType(HealthCheckType.PING)
                    .withTiming(Duration.ofMillis(50), Duration.ofMillis(300), 2, 2);
            fixture.apply(1, service("web", "127.0.0.1", FreePorts.next(), realServer("silent", SILENT, 80))
                    .withHealthCheck(ping));
            await("down", Duration.ofSeconds(10), () -> fixture.status("web", "silent").health() == Health.DOWN);
            String reason = fixture.status("web", "silent").healthReason();
            assertTrue(reason.endsWith("no echo reply within 300ms"), reason);
        }
    }

    private static boolean run(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return false;
            }
            return process.exitValue() == 0;
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
