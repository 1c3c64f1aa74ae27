package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.sync.ProtoMapper;
import io.fulcrum.proto.v1.Snapshot;
import io.fulcrum.proto.v1.VirtualService;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds snapshot messages, reusing the message of every virtual service whose rows (its own and
 * its real servers', versions included) equal those of the previous build: a write usually changes
 * one service of thousands, and mapping all of them again dominated rebuilding a large snapshot.
 * Used only by the refresher's single thread.
 */
final class VirtualServiceMessages {

    private Map<String, Built> previous = Map.of();
    private int lastMapped;

    private record Built(ConfigState.ConfiguredVirtualService rows, VirtualService message) {
    }

    Snapshot toSnapshot(ConfigState state) {
        Map<String, Built> next = new HashMap<>(state.virtualServices().size() * 4 / 3 + 1);
        Snapshot.Builder snapshot = Snapshot.newBuilder().setVersion(state.version());
        int mapped = 0;
        for (ConfigState.ConfiguredVirtualService configured : state.virtualServices()) {
            String name = configured.virtualService().name();
            Built before = previous.get(name);
            VirtualService message;
            if (before != null && (before.rows() == configured || before.rows().equals(configured))) {
                message = before.message();
            } else {
                message = ProtoMapper.toProto(configured);
                mapped++;
            }
            next.put(name, new Built(configured, message));
            snapshot.addVirtualServices(message);
        }
        previous = next;
        lastMapped = mapped;
        return snapshot.build();
    }

    /** How many virtual services the last build had to map (the others were reused). */
    int lastMapped() {
        return lastMapped;
    }
}
