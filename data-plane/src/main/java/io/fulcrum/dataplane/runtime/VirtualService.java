package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Protocol;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.RealServerKey;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.health.EjectionBudget;
import io.fulcrum.dataplane.proxy.DescriptorBudget;
import io.fulcrum.dataplane.health.HealthChecker;
import io.fulcrum.dataplane.health.icmp.IcmpPinger;
import io.fulcrum.dataplane.health.HealthListener;
import io.fulcrum.dataplane.health.HealthTransition;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.fulcrum.dataplane.proxy.tcp.LiveConnections;
import io.fulcrum.dataplane.proxy.tcp.TcpListeners;
import io.fulcrum.dataplane.proxy.udp.UdpForwarder;
import io.fulcrum.dataplane.proxy.udp.UdpSocketBuffers;
import io.fulcrum.dataplane.report.DatagramStatus;
import io.fulcrum.dataplane.report.RealServerStatus;
import io.fulcrum.dataplane.report.VirtualServiceStatus;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Runtime of one virtual service: its bound listeners, real servers, selector, health checkers
 * and counters. Settings are swapped in by {@link #update}; real servers that stay keep their
 * counters, health and persistence entries. Mutated only by the (single) apply thread.
 */
final class VirtualService implements ProxiedService {
    private static final System.Logger LOG = System.getLogger(VirtualService.class.getName());

    private final EventLoopGroup group;
    private final HealthListener nodeListener;
    private final LongSupplier clockMillis;
    private final RealServerSelector selector;
    private final ServiceCounters counters = new ServiceCounters();
    private final TcpListeners tcpListeners;
    private final UdpForwarder udp;
    private final Map<RealServerKey, RealServer> realServers = new LinkedHashMap<>();
    private final Map<RealServerKey, HealthChecker> checkers = new HashMap<>();
    private final EjectionBudget ejections = new EjectionBudget();
    private final DescriptorBudget budget;
    private final DescriptorBudget.Share descriptors;
    private volatile VirtualServiceConfig config;
    private ListenerSet listeners;

    VirtualService(VirtualServiceConfig config, EventLoopGroup group, HealthListener nodeListener,
                   LongSupplier clockMillis, DescriptorBudget budget, LiveConnections live,
                   UdpSocketBuffers udpBuffers) {
        this.config = config;
        this.tcpListeners = new TcpListeners(this, live);
        this.budget = budget;
        this.descriptors = budget.share(config.name());
        this.group = group;
        this.nodeListener = nodeListener;
        this.clockMillis = clockMillis;
        this.selector = new RealServerSelector(clockMillis);
        this.udp = new UdpForwarder(this, clockMillis, udpBuffers);
        update(config);
    }

    @Override
    public VirtualServiceConfig config() {
        return config;
    }

    @Override
    public RealServerSelector selector() {
        return selector;
    }

    @Override
    public ServiceCounters counters() {
        return counters;
    }

    @Override
    public DescriptorBudget.Share descriptors() {
        return descriptors;
    }

    /** Binds the sockets {@code newConfig} asks for (TCP listeners or UDP service sockets). */
    ListenerSet bindListeners(VirtualServiceConfig newConfig) throws ApplyException {
        ListenerSet.SocketBinder binder = newConfig.protocol() == Protocol.UDP
                ? udp::bind : tcpListeners::bind;
        return ListenerSet.bind(group, newConfig, binder);
    }

    /** Swaps in new settings; the next connection uses them, live ones are untouched. */
    void update(VirtualServiceConfig newConfig) {
        config = newConfig;
        Map<RealServerKey, RealServer> kept = new LinkedHashMap<>();
        for (RealServerConfig serverConfig : newConfig.realServers()) {
            RealServer server = realServers.remove(serverConfig.key());
            if (server == null) {
                server = new RealServer(serverConfig);
                HealthChecker checker = new HealthChecker(server, () -> this.config.healthCheck(),
                        () -> this.config.ports().get(0), (EventLoop) group.next(), this::onHealthTransition,
                        clockMillis, IcmpPinger::shared, ejections);
                server.onPassiveFailure(checker::eject);
                checkers.put(serverConfig.key(), checker);
                checker.start();
            } else {
                server.update(serverConfig);
            }
            kept.put(serverConfig.key(), server);
        }
        realServers.forEach((key, gone) -> retire(key, gone));
        realServers.clear();
        realServers.putAll(kept);
        ejections.servers(kept.size());
        selector.update(new ArrayList<>(kept.values()), newConfig.algorithm(), newConfig.persistence());
        kept.values().stream()
                .filter(server -> server.config().state() == AdminState.HALT)
                .forEach(server -> selector.persistence().breakEntriesTo(server));
    }

    void replaceListeners(ListenerSet newListeners) {
        ListenerSet old = listeners;
        listeners = newListeners;
        budget.listenersBound(newListeners.size());
        if (old != null) {
            old.close();
            budget.listenersClosed(old.size());
            // Replies of live flows would leave from sockets that are gone: their clients start new flows.
            udp.endFlows();
        }
    }

    /** Whether its sockets are bound and open (false once closed for a stop, or lost to an error). */
    boolean listening() {
        return listeners != null && listeners.allOpen();
    }

    /** New connections wait (their SYNs are dropped) while accepted ones go on; see {@link ListenerSet#quiesce}. */
    int quiesceListeners() {
        return listeners == null ? 0 : listeners.quiesce();
    }

    void closeListeners() {
        if (listeners != null) {
            listeners.close();
            budget.listenersClosed(listeners.size());
            listeners = null;
        }
        udp.close();
    }

    /** Stops accepting and checking; live connections finish on their own. */
    void close() {
        closeListeners();
        realServers.forEach(this::retire);
        realServers.clear();
        selector.persistence().clear();
    }

    VirtualServiceStatus status() {
        List<RealServerStatus> servers = new ArrayList<>();
        for (RealServer s : selector.servers()) {
            servers.add(new RealServerStatus(s.label(), s.health(), s.healthReason(), s.healthChangedAtMillis(),
                    s.activeConnections(), s.totalConnections(), s.bytesIn(), s.bytesOut(), s.connectFailures(),
                    s.datagramsIn(), s.datagramsOut(), s.checkDurations().snapshot()));
        }
        return new VirtualServiceStatus(config.name(), counters.active(), counters.total(), counters.bytesIn(),
                counters.bytesOut(), counters.refusedConnections(), counters.retries(), counters.fallbackConnections(),
                new DatagramStatus(counters.datagramsIn(), counters.datagramsOut(),
                        counters.droppedDatagrams() + udp.kernelDrops(),
                        counters.droppedFlows(), counters.repinnedFlows()), selector.persistence().size(), servers);
    }

    private void retire(RealServerKey key, RealServer server) {
        server.retire();
        HealthChecker checker = checkers.remove(key);
        if (checker != null) {
            checker.stop();
        }
        selector.persistence().breakEntriesTo(server);
    }

    // Runs on the checker's event loop.
    private void onHealthTransition(RealServer server, HealthTransition transition) {
        server.applyHealth(transition);
        LOG.log(Level.INFO, "virtual service {0} real server {1}: {2} -> {3} ({4})", config.name(), server.label(),
                transition.from(), transition.to(), transition.reason());
        if (transition.to() == Health.DOWN) {
            selector.persistence().breakEntriesTo(server);
        }
        nodeListener.onTransition(server, transition);
    }
}
