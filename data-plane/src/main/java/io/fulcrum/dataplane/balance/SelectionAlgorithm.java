package io.fulcrum.dataplane.balance;

import io.fulcrum.dataplane.config.Algorithm;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

/**
 * Picks a real server for a new client among a fixed list; built again whenever the list or its
 * weights change, so implementations may precompute. Must be safe to call from every event loop
 * at once without locks.
 */
public interface SelectionAlgorithm {

    /** Returns a server that {@code allowed} accepts, or null when there is none. */
    RealServer choose(InetAddress client, Predicate<RealServer> allowed);

    static SelectionAlgorithm create(Algorithm algorithm, List<RealServer> servers) {
        return switch (algorithm) {
            case WEIGHTED_LEAST_CONNECTIONS -> new WeightedLeastConnections(servers);
            case WEIGHTED_ROUND_ROBIN -> new WeightedRoundRobin(servers);
            case SOURCE_HASH -> new MaglevSourceHash(servers);
        };
    }
}
