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
import java.io.InputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the node's relay code before its listeners open, so that a restarted node serves at the
 * speed of compiled code from its first connection. Without it the first second runs in the
 * interpreter and the JIT then takes about a second of CPU within the first few: where the node
 * shares its core (with the real servers, the kernel's network stack), a third of the first ten
 * seconds' throughput.
 * <p>
 * A runtime of its own, on the node's event loops, relays loopback traffic from one client in this
 * process to {@link EchoServers}: connections the server closes after one reply (HTTP with
 * Connection: close), connections with many exchanges that the client closes, over a service with
 * source-IP persistence and one without, and UDP flows with several datagrams in flight. It stops
 * once every path has run often enough for the JIT's last tier and the compiler has been idle for
 * {@link #COMPILER_QUIET}, or at the budget. Best effort: a failure ends it early and the node
 * starts as it would without it.
 */
public final class WarmUp {
    private static final System.Logger LOG = System.getLogger(WarmUp.class.getName());

    /** Longest budget an operator may give: a node that warms longer than this is better started cold. */
    public static final Duration MAX_BUDGET = Duration.ofMinutes(1);

    /**
     * Rounds (of all clients together) before the compiler's silence counts: by then each
     * per-connection method has run about 6,000 times, past HotSpot's last-tier threshold
     * (Tier4InvocationThreshold 5,000), and the relay's loops have turned far more often. On one
     * shared core the budget usually runs out first (3 s: about 2,300 connections).
     */
    static final int MIN_ROUNDS = 150;
    static final int CLOSED_CONNECTIONS_PER_ROUND = 40;
    static final int EXCHANGES_PER_KEPT_CONNECTION = 40;
    /** Clients at once: several connections per wake-up of the loop, as under real load. */
    static final int CLIENTS = 4;
    static final int FLOWS_PER_CLIENT = 2;
    static final int DATAGRAMS_IN_FLIGHT = 8;
    static final Duration COMPILER_QUIET = Duration.ofMillis(250);
    private static final Duration POLL = Duration.ofMillis(20);

    private static final byte[] CLOSE_REQUEST = request(EchoServers.CLOSE);
    private static final byte[] KEEP_REQUEST = request(EchoServers.KEEP);

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
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicReference<IOException> failure = new AtomicReference<>();
    private volatile boolean stop;
    private int connections;
    private int exchanges;
    private int datagrams;

    private WarmUp(EventLoopGroup group, Duration budget) {
        this.group = group;
        this.budget = budget;
    }

    /** Warms the relay paths on {@code group}'s loops for at most {@code budget}; never throws. */
    public static Report run(EventLoopGroup group, Duration budget) {
        return new WarmUp(group, budget).run();
    }

    private Report run() {
        long started = System.nanoTime();
        if (budget.isZero()) {
            return new Report(0, 0, 0, 0, false, null);
        }
        String failure = null;
        boolean settled = false;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        LOG.log(System.Logger.Level.INFO, "warming up for at most " + budget.toMillis() + "ms: loopback traffic"
                + " through the relay (the warm-up-* services below are the node's own, not configuration)");
        try (EchoServers servers = new EchoServers(loopback, 2, CLIENTS);
             DataPlaneRuntime runtime = new DataPlaneRuntime(group, (server, transition) -> { }, System::currentTimeMillis)) {
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
                                PersistenceMode.SOURCE_IP, tcpServers),
                        service("warm-up-tcp", loopback, plainPort, Protocol.TCP, Layer.LAYER_7,
                                PersistenceMode.NONE, tcpServers),
                        service("warm-up-udp", loopback, udpPort, Protocol.UDP, Layer.LAYER_4,
                                PersistenceMode.NONE, udpServers))));
                return List.of(new InetSocketAddress(loopback, persistentPort),
                        new InetSocketAddress(loopback, plainPort), new InetSocketAddress(loopback, udpPort));
            } catch (ApplyException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * {@link #CLIENTS} clients send rounds of traffic until the compiler settles after {@link #MIN_ROUNDS}
     * (true) or the deadline (false).
     */
    private boolean drive(List<InetSocketAddress> services, long deadlineNanos) throws IOException {
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                Client client = new Client(services.get(i & 1), services.get(1 - (i & 1)), services.get(2));
                clients.add(client);
                threads.add(Thread.ofPlatform().daemon().name("fulcrum-warm-up-client").start(client));
            }
            long compiled = compileMillis();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadlineNanos && failure.get() == null) {
                sleep(POLL);
                long now = System.nanoTime();
                long compiledNow = compileMillis();
                if (compiledNow != compiled) {
                    compiled = compiledNow;
                    quietSince = now;
                } else if (rounds.get() >= MIN_ROUNDS && now - quietSince >= COMPILER_QUIET.toNanos()) {
                    return true;
                }
            }
            return false;
        } finally {
            stop = true;
            for (Thread thread : threads) {
                join(thread);
            }
            for (Client client : clients) {
                connections += client.connections;
                exchanges += client.exchanges;
                datagrams += client.datagrams;
                client.close();
            }
            IOException failed = failure.get();
            if (failed != null) {
                throw failed;
            }
        }
    }

    /** One client: rounds of closed and kept connections over both TCP services, and datagrams on its flows. */
    private final class Client implements Runnable, AutoCloseable {
        private final InetSocketAddress first;
        private final InetSocketAddress second;
        private final List<DatagramSocket> flows = new ArrayList<>();
        private int connections;
        private int exchanges;
        private int datagrams;

        Client(InetSocketAddress first, InetSocketAddress second, InetSocketAddress udp) throws IOException {
            this.first = first;
            this.second = second;
            try {
                for (int i = 0; i < FLOWS_PER_CLIENT; i++) {
                    DatagramSocket flow = new DatagramSocket(new InetSocketAddress(udp.getAddress(), 0));
                    flows.add(flow);
                    flow.setSoTimeout(EchoServers.IO_TIMEOUT_MILLIS);
                    flow.connect(udp);
                }
            } catch (IOException e) {
                close();
                throw e;
            }
        }

        @Override
        public void run() {
            try {
                for (int round = 0; !stop; round++) {
                    for (int i = 0; i < CLOSED_CONNECTIONS_PER_ROUND; i++) {
                        closedConnection((i & 1) == 0 ? first : second);
                    }
                    keptConnection((round & 1) == 0 ? first : second);
                    for (DatagramSocket flow : flows) {
                        datagrams(flow);
                    }
                    rounds.incrementAndGet();
                }
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            }
        }

        /** One request, the reply and the server's FIN, as with HTTP's Connection: close. */
        private void closedConnection(InetSocketAddress service) throws IOException {
            try (Socket socket = connect(service)) {
                InputStream in = socket.getInputStream();
                socket.getOutputStream().write(CLOSE_REQUEST);
                reply(in);
                if (in.read() >= 0) {
                    throw new SocketException("the warm-up server's FIN did not come through");
                }
                connections++;
            }
        }

        /** Many exchanges, then the client's FIN and the server's in answer. */
        private void keptConnection(InetSocketAddress service) throws IOException {
            try (Socket socket = connect(service)) {
                InputStream in = socket.getInputStream();
                for (int i = 0; i < EXCHANGES_PER_KEPT_CONNECTION; i++) {
                    socket.getOutputStream().write(KEEP_REQUEST);
                    reply(in);
                    exchanges++;
                }
                socket.shutdownOutput();
                if (in.read() >= 0) {
                    throw new SocketException("the warm-up server's FIN did not come through");
                }
                connections++;
            }
        }

        private void datagrams(DatagramSocket flow) throws IOException {
            byte[] payload = new byte[64];
            for (int i = 0; i < DATAGRAMS_IN_FLIGHT; i++) {
                flow.send(new DatagramPacket(payload, payload.length));
            }
            DatagramPacket reply = new DatagramPacket(new byte[128], 128);
            for (int i = 0; i < DATAGRAMS_IN_FLIGHT; i++) {
                flow.receive(reply);
                datagrams++;
            }
        }

        @Override
        public void close() {
            flows.forEach(DatagramSocket::close);
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
            // A client ends its round within the I/O timeout of its last call.
            thread.join(4L * EchoServers.IO_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Socket connect(InetSocketAddress service) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(EchoServers.IO_TIMEOUT_MILLIS);
            socket.connect(service, EchoServers.IO_TIMEOUT_MILLIS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void reply(InputStream in) throws IOException {
        if (!EchoServers.readFully(in, new byte[EchoServers.REPLY_BYTES])) {
            throw new SocketException("the warm-up connection ended before its reply");
        }
    }

    private long compileMillis() {
        return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler.getTotalCompilationTime() : 0;
    }

    private static byte[] request(byte kind) {
        byte[] request = new byte[EchoServers.REQUEST_BYTES];
        request[0] = kind;
        return request;
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
                                                Layer layer, PersistenceMode persistence,
                                                List<RealServerConfig> realServers) {
        Duration idle = Duration.ofMinutes(1);
        return new VirtualServiceConfig(name, address, List.of(port), protocol, layer,
                Algorithm.WEIGHTED_LEAST_CONNECTIONS,
                new PersistenceConfig(persistence, persistence == PersistenceMode.NONE ? Duration.ZERO : Duration.ofMinutes(6)),
                new HealthCheckConfig(HealthCheckType.NONE, Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 3, 0,
                        "", 0, 0, "", ""),
                null, false, idle, idle, Duration.ofSeconds(2), new FlowSettings(idle, 1_000),
                new ClientLimits(Duration.ofSeconds(10), 0, 0), realServers);
    }
}
