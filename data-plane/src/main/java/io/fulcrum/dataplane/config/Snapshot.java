package io.fulcrum.dataplane.config;

import java.util.List;

/** The whole desired configuration of a node at one version. */
public record Snapshot(long version, List<VirtualServiceConfig> virtualServices) {
    public static final Snapshot EMPTY = new Snapshot(0, List.of());

    public Snapshot {
        virtualServices = List.copyOf(virtualServices);
    }
}
