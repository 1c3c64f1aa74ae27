package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.config.Protocol;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.VirtualServiceConfig;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Refuses snapshots this node cannot serve before anything is bound or swapped. */
final class SnapshotValidator {
    private SnapshotValidator() {
    }

    static void validate(Snapshot snapshot) throws ApplyException {
        Set<String> names = new HashSet<>();
        Map<String, String> sockets = new HashMap<>();
        for (VirtualServiceConfig service : snapshot.virtualServices()) {
            if (!names.add(service.name())) {
                throw new ApplyException("virtual service " + service.name() + ": name used twice");
            }
            if (service.ports().isEmpty()) {
                throw new ApplyException("virtual service " + service.name() + ": no ports");
            }
            for (int port : service.ports()) {
                if (port < 1 || port > 65535) {
                    throw new ApplyException("virtual service " + service.name() + ": port " + port
                            + " (expected 1..65535)");
                }
                // SO_REUSEPORT would let two services share a socket address silently; refuse that.
                String socket = service.protocol() + " " + service.address().getHostAddress() + ":" + port;
                String other = sockets.putIfAbsent(socket, service.name());
                if (other != null && !other.equals(service.name())) {
                    throw new ApplyException("virtual services " + other + " and " + service.name()
                            + " both listen on " + socket);
                }
            }
        }
    }
}
