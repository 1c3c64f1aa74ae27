package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.Limits;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.VirtualServiceConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps pushed snapshots, reusing the mapped and validated configuration of every virtual service
 * whose message equals the one of the same name in the previous snapshot: a write usually changes
 * one service of thousands, and mapping all of them again dominated applying it. Reused configs
 * are the same objects, so the runtime recognises them as unchanged by identity. Used by one
 * thread at a time (the applier's monitor).
 */
final class SnapshotMapping {
    private Map<String, Mapped> previous = Map.of();
    private int lastMapped;

    private record Mapped(io.fulcrum.proto.v1.VirtualService message, VirtualServiceConfig config) {
    }

    Snapshot toSnapshot(io.fulcrum.proto.v1.Snapshot proto) throws InvalidSnapshotException {
        int count = proto.getVirtualServicesCount();
        if (count > Limits.MAX_VIRTUAL_SERVICES) {
            throw new InvalidSnapshotException("virtualServices: " + count + " (expected at most "
                    + Limits.MAX_VIRTUAL_SERVICES + ")");
        }
        Map<String, Mapped> next = new HashMap<>(count * 4 / 3 + 1);
        List<VirtualServiceConfig> services = new ArrayList<>(count);
        int mapped = 0;
        for (io.fulcrum.proto.v1.VirtualService message : proto.getVirtualServicesList()) {
            Mapped before = previous.get(message.getName());
            Mapped now;
            if (before != null && before.message().equals(message)) {
                // Keeping the older, equal message lets the new one die young: retaining a fresh copy
                // of every message per push filled the old generation of a small heap.
                now = before;
            } else {
                now = new Mapped(message, ProtoMapper.toVirtualService(message));
                mapped++;
            }
            if (next.putIfAbsent(now.config().name(), now) != null) {
                throw new InvalidSnapshotException("virtual service " + now.config().name() + ": name used twice");
            }
            services.add(now.config());
        }
        // Only a snapshot that mapped completely becomes the reference for the next one.
        previous = next;
        lastMapped = mapped;
        return new Snapshot(proto.getVersion(), services);
    }

    /** How many virtual services the last successful mapping had to map (the rest were reused). */
    int lastMapped() {
        return lastMapped;
    }
}
