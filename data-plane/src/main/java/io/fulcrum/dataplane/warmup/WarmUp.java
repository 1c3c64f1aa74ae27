package io.fulcrum.dataplane.warmup;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.ClientLimits;
import io.fulcrum.dataplane.config.FlowSettings;
import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.Layer;
import io.fulcrum.dataplane.config.PersistenceConfig;
import io.fulcrum.dataplane.config.PersistenceMode;
import io.fulcrum.dataplane.config.Protocol;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.runtime.ApplyException;
import io.fulcrum.dataplane.runtime.DataPlaneRuntime;
import io.netty.channel.EventLoopGroup;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the node's relay code before its listeners open, so that a restarted node serves at the
 * speed of compiled code from its first connection. Without it the first second runs in the
 * interpreter and the JIT then takes about a second of CPU within the first few: where the node
 * shares its core (with the real servers, the kernel's network stack), a third of the first ten
 * seconds' throughput.
 * <p>
 * A runtime built as the node builds its own (the same clock, descriptor budget and kind of
 * persistence sharing, so the compiled code meets the same types later), on the node's event loops,
 * relays loopback traffic from {@link Traffic} to {@link EchoServers} over a TCP service with
 * source-IP persistence, one without, and a UDP service; the TCP services are health-checked. It
 * stops once every path has run often enough for the JIT's last tier and the compiler has been idle
 * for {@link #COMPILER_QUIET}, or at the budget. Best effort: a failure ends it early and the node
 * starts as it would without it.
 */
public final class WarmUp {
    private static final System.Logger LOG = System.getLogger(WarmUp.class.getName());

    /** Longest budget an operator may give: a node that warms longer than this is better started cold. */
    public static final Duration MAX_BUDGET = Duration.ofMinutes(1);

    /**
     * Connections before the compiler's silence counts: by then each per-connection method has run
     * more than 6,000 times, past HotSpot's last-tier threshold (Tier4InvocationThreshold 5,000), and
     * the relay's loops have turned far more often.
     */
    static final int MIN_CONNECTIONS = 6_000;
    /**
     * The compiler counts as idle when it worked at most {@link #COMPILER_IDLE_SHARE_PERCENT}% of such a
     * window: the health checks' code still reaches the first tier now and then, at a cost of a few
     * milliseconds, long after the relay's hot paths are compiled.
     */
    static final Duration COMPILER_QUIET = Duration.ofMillis(250);
    static final int COMPILER_IDLE_SHARE_PERCENT = 5;
    static final Duration CHECK_INTERVAL = Duration.ofMillis(50);
    private static final Duration POLL = Duration.ofMillis(20);

    /** What a warm-up did; {@code settled} says whether the compiler went quiet before the budget ran out. */
    public record Report(int connections, int exchanges, int datagrams, long millis, boolean settled,
                         String failure) {
        @Override
        public String toString() {
            return "warm-up: " + connections + " TCP connections, " + exchanges + " exchanges, " + datagrams
                    + " datagrams in " + millis + "ms; "
                    + (failure != null ? "ended early: " + failure
                    : settled ? "the compiler is idle" : "budget spent, the compiler still busy");
        }
    }

    private final EventLoopGroup group;
    private final Duration budget;
    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    private int connections;
    private int exchanges;
    private int datagrams;

    private WarmUp(EventLoopGroup group, Duration budget) {
        this.group = group;
        this.budget = budget;
    }

    /** Warms the relay paths on {@code group}'s loops for at most {@code budget}; never throws. */
    public static Report run(EventLoopGroup group, Duration budget) {
        return run(group, budget, () -> new DataPlaneRuntime(group, (server, transition) -> { }, System::currentTimeMillis));
    }

    /**
     * Warms the relay paths for at most {@code budget} through a runtime from {@code runtimes}, which
     * builds it as the node builds its own, on {@code group}'s loops; never throws.
     */
    public static Report run(EventLoopGroup group, Duration budget, Supplier<DataPlaneRuntime> runtimes) {
        return new WarmUp(group, budget).run(runtimes);
    }

    private Report run(Supplier<DataPlaneRuntime> runtimes) {
        long started = System.nanoTime();
        if (budget.isZero()) {
            return new Report(0, 0, 0, 0, false, null);
        }
        String failure = null;
        boolean settled = false;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        LOG.log(System.Logger.Level.INFO, "warming up for at most " + budget.toMillis() + "ms: loopback traffic"
                + " through the relay (the warm-up-* services below are the node's own, not configuration)");
        try (EchoServers servers = new EchoServers(loopback, 2);
             DataPlaneRuntime runtime = runtimes.get()) {
            List<InetSocketAddress> services = serve(runtime, loopback, servers);
            settled = drive(services, started + budget.toNanos());
        } catch (IOException | ApplyException | RuntimeException e) {
            failure = e.toString();
        }
        Report report = new Report(connections, exchanges, datagrams,
                (System.nanoTime() - started) / 1_000_000, settled, failure);
        LOG.log(failure == null ? System.Logger.Level.INFO : System.Logger.Level.WARNING, report.toString());
        return report;
    }

    /**
     * Binds the warm-up services on free loopback ports: two TCP (with and without persistence) and
     * one UDP, in that order. A port another process takes between the probe and the bind fails the
     * apply, which is retried on other ports.
     */
    private static List<InetSocketAddress> serve(DataPlaneRuntime runtime, InetAddress loopback, EchoServers servers)
            throws IOException, ApplyException {
        List<RealServerConfig> tcpServers = new ArrayList<>();
        for (InetSocketAddress address : servers.tcpAddresses()) {
            tcpServers.add(realServer("echo-" + tcpServers.size(), address));
        }
        List<RealServerConfig> udpServers = List.of(realServer("echo", servers.udpAddress()));
        ApplyException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int persistentPort = freeTcpPort(loopback);
            int plainPort = freeTcpPort(loopback);
            int udpPort = freeUdpPort(loopback);
            try {
                runtime.apply(new Snapshot(1, List.of(
                        service("warm-up-tcp-persistent", loopback, persistentPort, Protocol.TCP, Layer.LAYER_7,
                                PersistenceMode.SOURCE_IP, HealthCheckType.CONNECT, tcpServers),
                        service("warm-up-tcp", loopback, plainPort, Protocol.TCP, Layer.LAYER_7,
                                PersistenceMode.NONE, HealthCheckType.CONNECT, tcpServers),
                        service("warm-up-udp", loopback, udpPort, Protocol.UDP, Layer.LAYER_4,
                                PersistenceMode.NONE, HealthCheckType.NONE, udpServers))));
                return List.of(new InetSocketAddress(loopback, persistentPort),
                        new InetSocketAddress(loopback, plainPort), new InetSocketAddress(loopback, udpPort));
            } catch (ApplyException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Runs the traffic until the compiler settles after {@link #MIN_CONNECTIONS} (true) or the
     * deadline (false).
     */
    private boolean drive(List<InetSocketAddress> services, long deadlineNanos) throws IOException {
        Traffic traffic = new Traffic(services.subList(0, 2), services.get(2), group);
        Thread thread = Thread.ofPlatform().daemon().name("fulcrum-warm-up-traffic").start(traffic);
        try {
            long windowStart = System.nanoTime();
            long compiledAtWindowStart = compileMillis();
            long idleMillis = COMPILER_QUIET.toMillis() * COMPILER_IDLE_SHARE_PERCENT / 100;
            while (System.nanoTime() < deadlineNanos && thread.isAlive()) {
                sleep(POLL);
                long now = System.nanoTime();
                if (now - windowStart < COMPILER_QUIET.toNanos()) {
                    continue;
                }
                long compiled = compileMillis();
                if (compiled - compiledAtWindowStart <= idleMillis && traffic.connections() >= MIN_CONNECTIONS) {
                    return true;
                }
                windowStart = now;
                compiledAtWindowStart = compiled;
            }
            return false;
        } finally {
            traffic.stop();
            join(thread);
            connections = traffic.connections();
            exchanges = traffic.exchanges();
            datagrams = traffic.datagrams();
            if (traffic.failure() != null) {
                throw traffic.failure();
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void join(Thread thread) {
        try {
            // The traffic thread ends within one turn of its selector (a burst holds it at most twice HOLD_NANOS).
            thread.join(TimeUnit.NANOSECONDS.toMillis(Traffic.IO_TIMEOUT_NANOS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long compileMillis() {
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
    }

    private static int freeTcpPort(InetAddress address) throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, address)) {
            return probe.getLocalPort();
        }
    }

    private static int freeUdpPort(InetAddress address) throws IOException {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(address, 0))) {
            return probe.getLocalPort();
        }
    }

    private static RealServerConfig realServer(String label, InetSocketAddress address) {
        return new RealServerConfig(label, address.getAddress(), address.getPort(), 100, 0, 0, AdminState.ONLINE);
    }

    private static VirtualServiceConfig service(String name, InetAddress address, int port, Protocol protocol,
                                                Layer layer, PersistenceMode persistence, HealthCheckType checks,
                                                List<RealServerConfig> realServers) {
        Duration idle = Duration.ofMinutes(1);
        return new VirtualServiceConfig(name, address, List.of(port), protocol, layer,
                Algorithm.WEIGHTED_LEAST_CONNECTIONS,
                new PersistenceConfig(persistence, persistence == PersistenceMode.NONE ? Duration.ZERO : Duration.ofMinutes(6)),
                new HealthCheckConfig(checks, CHECK_INTERVAL, Duration.ofSeconds(1), 2, 3, 0,
                        "", 0, 0, "", ""),
                null, false, idle, idle, Duration.ofSeconds(2), new FlowSettings(idle, 1_000),
                new ClientLimits(Duration.ofSeconds(10), 0, 0), realServers);
    }
}
