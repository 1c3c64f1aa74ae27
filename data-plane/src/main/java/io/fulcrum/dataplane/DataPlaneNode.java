package io.fulcrum.dataplane;

import io.fulcrum.dataplane.config.LastGoodSnapshotStore;
import io.fulcrum.dataplane.controlplane.ControlPlaneClient;
import io.fulcrum.dataplane.controlplane.ControlPlaneTls;
import io.fulcrum.dataplane.controlplane.NodeIdentity;
import io.fulcrum.dataplane.controlplane.SnapshotApplier;
import io.fulcrum.dataplane.balance.PersistenceSink;
import io.fulcrum.dataplane.peers.ChangedEntries;
import io.fulcrum.dataplane.peers.PeerTls;
import io.fulcrum.dataplane.peers.PersistenceReplicator;
import io.fulcrum.dataplane.proxy.DescriptorBudget;
import io.fulcrum.dataplane.report.HealthEndpoint;
import io.fulcrum.dataplane.report.PrometheusText;
import io.fulcrum.dataplane.report.StatusReporter;
import io.fulcrum.dataplane.runtime.DataPlaneRuntime;
import io.fulcrum.dataplane.runtime.ServingState;
import io.fulcrum.dataplane.warmup.WarmUp;
import io.grpc.InsecureChannelCredentials;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One data-plane node wired together: event loops, runtime, disk cache, control-plane client and
 * reporter. Warms its relay up, serves the cached snapshot, then follows the control plane.
 */
public final class DataPlaneNode implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DataPlaneNode.class.getName());

    /** How long a connection ended at the drain deadline waits for its peers' FIN before it closes. */
    static final Duration FINISH_LINGER = Duration.ofSeconds(2);
    /**
     * How long a stopping node keeps reporting itself serving after it began dropping new SYNs: an
     * exchange accepted just before that ends within this is answered before keepalived moves the
     * addresses, which it does within tens of milliseconds of the 503 while its track script waits on
     * the health endpoint, and at the script's next run otherwise (up to 0.3 s). A longer exchange is
     * cut off by the move as before. Clients whose SYN is dropped meanwhile retry after TCP's 1 s and
     * find the peer, as long as settle and move take under that second. A stop delay shorter than this
     * is all settle: the listeners close as the node reports draining.
     */
    static final Duration DRAIN_SETTLE = Duration.ofMillis(200);

    private final DataPlaneOptions options;
    private final EventLoopGroup group;
    private final DataPlaneRuntime runtime;
    private final SnapshotApplier applier;
    private final StatusReporter reporter;
    private final ControlPlaneClient client;
    private final java.util.Optional<HealthEndpoint> health;
    private final java.util.Optional<PersistenceReplicator> replicator;

    /** One clock for every runtime: a second method reference would be a second class where the JIT expects one. */
    private static final LongSupplier WALL_CLOCK = System::currentTimeMillis;

    private final Supplier<DataPlaneRuntime> warmUpRuntimes;

    DataPlaneNode(DataPlaneOptions options) {
        this.options = options;
        this.group = new MultiThreadIoEventLoopGroup(options.ioThreads(), EpollIoHandler.newFactory());
        // The reporter is created below; health transitions only start after start().
        StatusReporter[] reporterRef = new StatusReporter[1];
        DescriptorBudget descriptors = DescriptorBudget.ofThisProcess();
        LOG.log(Level.INFO, "file descriptors: " + descriptors.capacity() + " for client connections (2 each) and"
                + " UDP flows (1 each), at most " + descriptors.serviceLimit()
                + " for one virtual service");
        ChangedEntries changes = new ChangedEntries();
        this.runtime = new DataPlaneRuntime(group, (server, transition) -> reporterRef[0].reportSoon(),
                WALL_CLOCK, descriptors, options.udpBuffers(), sharing(options, changes));
        this.warmUpRuntimes = warmUpRuntimes(group, descriptors, options);
        // --peers is only accepted with the TLS files (DataPlaneOptions).
        this.replicator = options.peers().map(peers -> new PersistenceReplicator(peers,
                new PeerTls(options.tls().orElseThrow()), changes, runtime));
        this.applier = new SnapshotApplier(runtime, new LastGoodSnapshotStore(options.stateDir()),
                options.warmUp().isZero());
        ControlPlaneClient[] clientRef = new ControlPlaneClient[1];
        this.reporter = new StatusReporter(runtime::status, status -> clientRef[0].report(status),
                options.reportInterval());
        reporterRef[0] = reporter;
        this.client = new ControlPlaneClient(options.controlPlanes(),
                options.tls().map(ControlPlaneTls::credentials).orElseGet(InsecureChannelCredentials::create),
                new NodeIdentity(options.nodeId(), hostname(), softwareVersion(), options.reportInterval()), applier, reporter::reportSoon);
        clientRef[0] = client;
        String version = softwareVersion();
        this.health = options.healthListen().map(address -> new HealthEndpoint(address, this::servingState,
                () -> PrometheusText.render(new PrometheusText.NodeState(options.nodeId(), version, client.connected()),
                        runtime.status())));
        health.ifPresent(endpoint -> LOG.log(Level.INFO, "health endpoint on http://"
                + endpoint.address().getAddress().getHostAddress() + ":" + endpoint.address().getPort()
                + "/health, metrics on /metrics"));
    }

    /**
     * Serves the cached snapshot (if any) before the control plane answers, so a node that
     * restarts while the control plane is unreachable carries traffic at once; the hello then
     * tells the control plane which version that is.
     * <p>
     * With a warm-up the relay code first runs on loopback traffic ({@link WarmUp}), so the listeners
     * open to compiled code. The control-plane stream opens meanwhile, so gRPC's first use does not
     * take CPU from the first real connections either; a snapshot pushed meanwhile waits for the
     * warm-up's end, after the cached one.
     */
    void start() {
        if (options.warmUp().isZero()) {
            applier.applyCached();
            replicator.ifPresent(PersistenceReplicator::start);
            client.start();
            reporter.start();
            return;
        }
        client.start();
        reporter.start();
        WarmUp.run(group, options.warmUp(), warmUpRuntimes);
        applier.applyCached();
        applier.open();
        // After the cached snapshot: the peers' pins land in its services' tables.
        replicator.ifPresent(PersistenceReplicator::start);
    }

    private static Function<String, PersistenceSink> sharing(DataPlaneOptions options, ChangedEntries changes) {
        return options.peers().isPresent() ? changes::forService : name -> PersistenceSink.NONE;
    }

    /**
     * The warm-up's runtimes have the same parts as the node's, so what the JIT compiles for them fits
     * the node's; their persistence changes go to a table of their own, never to the peers.
     */
    private static Supplier<DataPlaneRuntime> warmUpRuntimes(EventLoopGroup group, DescriptorBudget descriptors,
                                                             DataPlaneOptions options) {
        return () -> new DataPlaneRuntime(group, (server, transition) -> { }, WALL_CLOCK, descriptors,
                options.udpBuffers(), sharing(options, new ChangedEntries()));
    }

    /**
     * The training run of an AOT cache: the warm-up on event loops like the node's, then nothing
     * else; the JVM records what it loaded, linked and profiled when it exits.
     */
    static WarmUp.Report warmUpOnly(DataPlaneOptions options) {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.ioThreads(), EpollIoHandler.newFactory());
        try {
            return WarmUp.run(group, options.warmUp(), warmUpRuntimes(group, DescriptorBudget.ofThisProcess(), options));
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** While it warms up the node serves nothing yet, so a floating address stays with a peer that does. */
    ServingState servingState() {
        return warming() ? new ServingState(false, "warming up (at most " + options.warmUp().toMillis() + "ms)")
                : runtime.servingState();
    }

    /** Until the warm-up ends the applier holds pushed snapshots back; that is the one record of it. */
    boolean warming() {
        return !applier.isOpen();
    }

    DataPlaneRuntime runtime() {
        return runtime;
    }

    /**
     * With a stop delay: drops new SYNs (clients retry), then after {@link #DRAIN_SETTLE} reports itself
     * draining, and keeps dropping them while the host still holds one of its addresses, at most the
     * delay in all. Then stops accepting, gives live connections up to the grace period to end on their
     * own, ends the rest in order (FIN both ways, at most {@link #FINISH_LINGER} for the answers) and stops.
     */
    void shutdown(StopTimings stop) {
        if (!stop.stopDelay().isZero()) {
            long started = System.nanoTime();
            int unquiesced = runtime.beginDraining();
            LOG.log(Level.INFO, "stopping: draining; new connections wait (their SYNs are dropped, clients retry)"
                    + " until this host holds none of its addresses (at most " + stop.stopDelay().toMillis() + "ms)"
                    + (unquiesced > 0 ? "; " + unquiesced + " listeners could not be quiesced and keep accepting" : ""));
            Duration settle = DRAIN_SETTLE.compareTo(stop.stopDelay()) < 0 ? DRAIN_SETTLE : stop.stopDelay();
            pause(settle);
            runtime.reportDraining();
            LOG.log(Level.INFO, "reporting draining: the addresses may move");
            boolean released = awaitAddressesReleased(stop.stopDelay().minusNanos(System.nanoTime() - started));
            LOG.log(Level.INFO, (released ? "addresses released after " : "still holding addresses after ")
                    + (System.nanoTime() - started) / 1_000_000 + "ms");
        }
        LOG.log(Level.INFO, "shutting down: closing listeners, " + runtime.activeConnections()
                + " live connections get up to " + stop.grace().toMillis() + "ms");
        runtime.stopAccepting();
        if (!awaitNoConnections(stop.grace())) {
            LOG.log(Level.INFO, runtime.activeConnections() + " connections still open at the deadline:"
                    + " ending them (FIN)");
            runtime.finishConnections(FINISH_LINGER);
            // The linger timers close the stragglers; a little slack for their event loops.
            awaitNoConnections(FINISH_LINGER.plusMillis(250));
        }
        close();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitAddressesReleased(Duration within) {
        return awaitUntil(() -> !runtime.holdsAnyAddress(), within, 50);
    }

    private boolean awaitNoConnections(Duration within) {
        return awaitUntil(() -> runtime.activeConnections() == 0, within, 20);
    }

    /** Polls {@code done} every {@code pollMillis} until it holds (true) or {@code within} has passed (false). */
    private static boolean awaitUntil(java.util.function.BooleanSupplier done, Duration within, long pollMillis) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(pollMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        replicator.ifPresent(PersistenceReplicator::close);
        health.ifPresent(HealthEndpoint::close);
        reporter.close();
        client.close();
        applier.close();
        runtime.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String softwareVersion() {
        String version = DataPlaneNode.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
