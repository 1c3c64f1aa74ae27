package io.fulcrum.dataplane.proxy.tcp;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live connections per client address of one virtual service, for its optional per-client limit
 * (nginx's limit_conn per address). Only connections admitted under a limit are counted, and each
 * is given back once; an address with none left is forgotten, so the map holds only live clients.
 */
final class ClientConnections {
    private final ConcurrentHashMap<InetAddress, Integer> live = new ConcurrentHashMap<>();

    /** Counts one more connection of {@code client} unless it already holds {@code limit}. */
    boolean tryOpen(InetAddress client, int limit) {
        boolean[] admitted = {false};
        live.compute(client, (address, count) -> {
            int held = count == null ? 0 : count;
            if (held >= limit) {
                return count;
            }
            admitted[0] = true;
            return held + 1;
        });
        return admitted[0];
    }

    void closed(InetAddress client) {
        live.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
    }

    int held(InetAddress client) {
        return live.getOrDefault(client, 0);
    }
}
