package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.PersistenceConfig;
import io.fulcrum.dataplane.config.RealServerKey;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Chooses the real server for one connection attempt of a virtual service: persistence first,
 * then the algorithm, and reserves a connection slot on the chosen server. Settings are swapped
 * in as one immutable {@link Selection} so a pick never sees half an update.
 */
public final class RealServerSelector {
    private final PersistenceTable persistence;
    private volatile Selection selection;

    public RealServerSelector(LongSupplier clockMillis) {
        // Persistence is off until update() installs the service's settings, so no entry sees this timeout.
        this.persistence = new PersistenceTable(Duration.ZERO, clockMillis);
        this.selection = new Selection(List.of(), SelectionAlgorithm.create(
                Algorithm.WEIGHTED_LEAST_CONNECTIONS, List.of()), false, Map.of());
    }

    /** Installs a new server list and settings; used by the NEXT selection. */
    public void update(List<RealServer> servers, Algorithm algorithm, PersistenceConfig persistenceConfig) {
        persistence.setTimeout(persistenceConfig.timeout());
        Map<RealServerKey, RealServer> byKey = new HashMap<>();
        servers.forEach(server -> byKey.put(server.config().key(), server));
        selection = new Selection(List.copyOf(servers), SelectionAlgorithm.create(algorithm, servers),
                persistenceConfig.enabled(), byKey);
        if (!persistenceConfig.enabled()) {
            persistence.clear();
        }
    }

    public List<RealServer> servers() {
        return selection.servers();
    }

    public PersistenceTable persistence() {
        return persistence;
    }

    /** Whether new clients are pinned (source-IP persistence is on). */
    public boolean persistent() {
        return selection.persistent();
    }

    /** The configured server with that identity, or null (a peer may know a newer or older configuration). */
    public RealServer server(RealServerKey key) {
        return selection.byKey().get(key);
    }

    /**
     * Returns a reserved real server for the client, skipping those already tried for this
     * connection, or null when none can take it. The caller must {@link RealServer#release()} it.
     */
    public RealServer select(InetAddress client, Set<RealServer> alreadyTried) {
        Selection current = selection;
        if (current.persistent()) {
            RealServer pinned = persistence.lookup(client);
            if (pinned != null && !alreadyTried.contains(pinned) && pinned.tryReserve()) {
                return pinned;
            }
        }
        Set<RealServer> refused = null;
        for (int attempt = 0; attempt <= current.servers().size(); attempt++) {
            Set<RealServer> skip = refused;
            RealServer candidate = current.algorithm().choose(client, server -> server.acceptsNewClients()
                    && !alreadyTried.contains(server) && (skip == null || !skip.contains(server)));
            if (candidate == null) {
                return null;
            }
            if (candidate.tryReserve()) {
                return candidate;
            }
            // Lost a race for the last slot under max-connections: try the next best server.
            refused = refused == null ? new HashSet<>() : refused;
            refused.add(candidate);
        }
        return null;
    }

    /** Records that the client's connection reached the server, (re)pinning it if persistent. */
    public void connected(InetAddress client, RealServer server) {
        connected(client, server, Set.of());
    }

    /**
     * Records that the client's connection reached the server after trying {@code tried}: pins the
     * client there, or moves its pin when the pinned server failed the connection or cannot take it
     * ({@link PersistenceTable#pinReached}).
     */
    public void connected(InetAddress client, RealServer server, Set<RealServer> tried) {
        if (selection.persistent()) {
            persistence.pinReached(client, server, tried);
        }
    }

    private record Selection(List<RealServer> servers, SelectionAlgorithm algorithm, boolean persistent,
                             Map<RealServerKey, RealServer> byKey) {
    }
}
