package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.proxy.DescriptorBudget;
import io.fulcrum.dataplane.balance.PersistenceSink;
import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.peers.PersistenceDirectory;

import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.health.HealthListener;
import io.fulcrum.dataplane.proxy.tcp.LiveConnections;
import io.fulcrum.dataplane.proxy.udp.UdpSocketBuffers;
import io.fulcrum.dataplane.report.NodeStatus;
import io.fulcrum.dataplane.report.VirtualServiceStatus;
import io.netty.channel.EventLoopGroup;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Applies snapshots by diffing: an unchanged listener identity keeps its sockets and live
 * connections while new settings are swapped in; new services are bound, removed ones closed.
 * Atomic: every new listener is bound before anything is swapped, and a failed bind undoes the
 * binds of this apply and leaves the previous snapshot serving.
 */
public final class DataPlaneRuntime implements AutoCloseable, PersistenceDirectory {
    private static final System.Logger LOG = System.getLogger(DataPlaneRuntime.class.getName());
    private static final long SWEEP_SECONDS = 30;

    private final EventLoopGroup group;
    private final HealthListener healthListener;
    private final LongSupplier clockMillis;
    private final DescriptorBudget budget;
    private final UdpSocketBuffers udpBuffers;
    private final Function<String, PersistenceSink> sharing;
    private final LiveConnections live = new LiveConnections();
    private final Map<String, VirtualService> services = new ConcurrentHashMap<>();
    private volatile Snapshot current = Snapshot.EMPTY;
    private final java.util.concurrent.ScheduledFuture<?> sweeper;
    private boolean stopped;
    private boolean draining;
    private boolean drainingReported;

    public DataPlaneRuntime(EventLoopGroup group, HealthListener healthListener, LongSupplier clockMillis) {
        this(group, healthListener, clockMillis, DescriptorBudget.unlimited(), UdpSocketBuffers.DEFAULT);
    }

    /**
     * @param budget the node's file descriptors for connections and flows ({@link DescriptorBudget#ofThisProcess()})
     * @param udpBuffers the kernel buffers of UDP service and flow sockets
     */
    public DataPlaneRuntime(EventLoopGroup group, HealthListener healthListener, LongSupplier clockMillis,
                            DescriptorBudget budget, UdpSocketBuffers udpBuffers) {
        this(group, healthListener, clockMillis, budget, udpBuffers, name -> PersistenceSink.NONE);
    }

    /**
     * @param sharing where the persistence table of each virtual service (by name) announces its entries
     *                (the peers of an HA group), or NONE
     */
    public DataPlaneRuntime(EventLoopGroup group, HealthListener healthListener, LongSupplier clockMillis,
                            DescriptorBudget budget, UdpSocketBuffers udpBuffers,
                            Function<String, PersistenceSink> sharing) {
        this.sharing = sharing;
        this.budget = budget;
        this.udpBuffers = udpBuffers;
        this.group = group;
        this.healthListener = healthListener;
        this.clockMillis = clockMillis;
        this.sweeper = group.next().scheduleAtFixedRate(this::sweepPersistence, SWEEP_SECONDS, SWEEP_SECONDS,
                TimeUnit.SECONDS);
    }

    public Snapshot current() {
        return current;
    }

    public long appliedVersion() {
        return current.version();
    }

    public synchronized void apply(Snapshot snapshot) throws ApplyException {
        if (stopped) {
            throw new ApplyException("node is shutting down");
        }
        if (snapshot.equals(current)) {
            return;
        }
        SnapshotValidator.validate(snapshot);
        Map<String, VirtualService> created = new LinkedHashMap<>();
        Map<String, ListenerSet> bound = new HashMap<>();
        try {
            for (VirtualServiceConfig config : snapshot.virtualServices()) {
                VirtualService existing = services.get(config.name());
                if (existing != null && (existing.config() == config
                        || existing.config().listenerIdentity().equals(config.listenerIdentity()))) {
                    continue;
                }
                VirtualService target = existing;
                if (target == null) {
                    target = new VirtualService(config, group, healthListener, clockMillis, budget, live, udpBuffers);
                    target.selector().persistence().shareWith(sharing.apply(config.name()));
                    created.put(config.name(), target);
                }
                bound.put(config.name(), target.bindListeners(config));
            }
        } catch (ApplyException e) {
            bound.values().forEach(ListenerSet::close);
            created.values().forEach(VirtualService::close);
            throw e;
        }
        commit(snapshot, created, bound);
    }

    private void commit(Snapshot snapshot, Map<String, VirtualService> created, Map<String, ListenerSet> bound) {
        Set<String> names = new HashSet<>();
        int changed = 0;
        for (VirtualServiceConfig config : snapshot.virtualServices()) {
            names.add(config.name());
            VirtualService service = created.get(config.name());
            if (service == null) {
                service = services.get(config.name());
                // An equal config (usually the very same object, reused by the mapping) leaves the
                // service untouched: its selector keeps its rotation and consistent-hash table.
                if (!unchanged(service.config(), config)) {
                    service.update(config);
                    changed++;
                }
            }
            ListenerSet listeners = bound.get(config.name());
            if (listeners != null) {
                if (draining) {
                    // A snapshot that arrives during the stop delay must not reopen the door.
                    listeners.quiesce();
                }
                service.replaceListeners(listeners);
            }
            services.put(config.name(), service);
        }
        int removed = 0;
        for (Iterator<Map.Entry<String, VirtualService>> it = services.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, VirtualService> entry = it.next();
            if (!names.contains(entry.getKey())) {
                entry.getValue().close();
                it.remove();
                removed++;
            }
        }
        current = snapshot;
        LOG.log(Level.INFO, "applied snapshot version {0} ({1} virtual services: {2} new, {3} changed, {4} removed)",
                snapshot.version(), snapshot.virtualServices().size(), created.size(), changed, removed);
    }

    private static boolean unchanged(VirtualServiceConfig running, VirtualServiceConfig wanted) {
        return running == wanted || running.equals(wanted);
    }

    @Override
    public RealServerSelector selector(String virtualService) {
        VirtualService service = services.get(virtualService);
        return service == null ? null : service.selector();
    }

    @Override
    public void forEachService(BiConsumer<String, RealServerSelector> action) {
        services.forEach((name, service) -> action.accept(name, service.selector()));
    }

    /** The running service of that name, or null; lets tests check what an apply kept. */
    VirtualService running(String name) {
        return services.get(name);
    }

    public NodeStatus status() {
        Snapshot snapshot = current;
        List<VirtualServiceStatus> statuses = new ArrayList<>();
        for (VirtualServiceConfig config : snapshot.virtualServices()) {
            VirtualService service = services.get(config.name());
            if (service != null) {
                statuses.add(service.status());
            }
        }
        return new NodeStatus(snapshot.version(), clockMillis.getAsLong(), statuses,
                HeldAddresses.among(addresses(snapshot)));
    }

    /**
     * Whether this node can carry its virtual services' traffic right now, and if not why: what a
     * floating address's track script asks (keepalived gives the address up to a peer that can).
     * A node without a control plane still serves its last good configuration, so that is no reason.
     */
    public synchronized ServingState servingState() {
        if (stopped || drainingReported) {
            return ServingState.notServing("draining: the node is stopping");
        }
        if (current.version() == 0) {
            return ServingState.notServing("no configuration yet (neither from the control plane nor cached)");
        }
        for (VirtualServiceConfig config : current.virtualServices()) {
            VirtualService service = services.get(config.name());
            if (service == null || !service.listening()) {
                return ServingState.notServing("virtual service " + config.name() + " lost its listeners");
            }
        }
        return new ServingState(true, "serving configuration version " + current.version() + " ("
                + current.virtualServices().size() + " virtual services)");
    }

    /** Live client connections across every virtual service (for the shutdown grace). */
    public long activeConnections() {
        return services.values().stream().mapToLong(service -> service.counters().active()).sum();
    }

    /**
     * The node is about to stop: its TCP listeners take no new connection without refusing one (their
     * SYNs are dropped, so a client retries and reaches the peer once the address moved; a connection
     * accepted here in the instant of the move would be cut off by it). It still reports itself serving
     * until {@link #reportDraining()}, so what was accepted just before can be answered first. Returns
     * how many listeners could not be quiesced (they keep accepting).
     */
    public synchronized int beginDraining() {
        draining = true;
        int failed = 0;
        for (VirtualService service : services.values()) {
            failed += service.quiesceListeners();
        }
        return failed;
    }

    /** From now on the node reports itself not serving (draining), so its floating addresses move to a peer. */
    public synchronized void reportDraining() {
        drainingReported = true;
    }

    /** Whether this host still holds any virtual-service address (see {@link HeldAddresses}). */
    public boolean holdsAnyAddress() {
        return !HeldAddresses.among(addresses(current)).isEmpty();
    }

    private static List<java.net.InetAddress> addresses(Snapshot snapshot) {
        return snapshot.virtualServices().stream().map(VirtualServiceConfig::address).toList();
    }

    /** Closes every listener; accepted connections keep flowing until they end or the loops stop. */
    public synchronized void stopAccepting() {
        // No later apply may bind again while live connections drain.
        stopped = true;
        services.values().forEach(VirtualService::closeListeners);
    }

    /**
     * After the drain deadline: every TCP connection still open gets our FIN on both sides and closes
     * when they answer, or after {@code linger} (see {@link LiveConnections#finishAll}).
     */
    public void finishConnections(Duration linger) {
        live.finishAll(linger);
    }

    private void sweepPersistence() {
        services.values().forEach(service -> service.selector().persistence().sweep());
    }

    @Override
    public synchronized void close() {
        sweeper.cancel(false);
        services.values().forEach(VirtualService::close);
        services.clear();
    }
}
