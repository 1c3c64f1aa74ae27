package io.fulcrum.dataplane.balance;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Picks the server with the smallest (active + 1) / weight; the scan starts at a rotating
 * position so equally loaded servers take turns instead of the first one always winning.
 */
final class WeightedLeastConnections implements SelectionAlgorithm {
    private final RealServer[] servers;
    private final AtomicInteger cursor = new AtomicInteger();

    WeightedLeastConnections(List<RealServer> servers) {
        this.servers = servers.toArray(new RealServer[0]);
    }

    @Override
    public RealServer choose(InetAddress client, Predicate<RealServer> allowed) {
        int n = servers.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        RealServer best = null;
        long bestLoad = 0;
        long bestWeight = 1;
        for (int i = 0; i < n; i++) {
            RealServer candidate = servers[(start + i) % n];
            if (!allowed.test(candidate)) {
                continue;
            }
            long weight = candidate.config().weight();
            long load = candidate.activeConnections() + 1L;
            // load / weight < bestLoad / bestWeight, compared without division.
            if (best == null || load * bestWeight < bestLoad * weight) {
                best = candidate;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        return best;
    }
}
