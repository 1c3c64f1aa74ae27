package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;

/** The whole configuration at one version, read in one consistent transaction. */
public record ConfigState(long version, List<ConfiguredVirtualService> virtualServices) {

    /** A virtual service together with its real servers, ordered by label. */
    public record ConfiguredVirtualService(VirtualService virtualService, List<RealServer> realServers) {
    }
}
