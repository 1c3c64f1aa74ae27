package io.fulcrum.controlplane.declarative;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;

/** One virtual service of a declarative configuration document, with the real servers it should have. */
public record DesiredVirtualService(VirtualService virtualService, List<RealServer> realServers) {
}
