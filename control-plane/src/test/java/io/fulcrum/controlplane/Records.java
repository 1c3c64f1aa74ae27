package io.fulcrum.controlplane;

import io.fulcrum.controlplane.domain.AdminState;
import io.fulcrum.controlplane.domain.Algorithm;
import io.fulcrum.controlplane.domain.Defaults;
import io.fulcrum.controlplane.domain.HealthCheckType;
import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.domain.PersistenceMode;
import io.fulcrum.controlplane.domain.Protocol;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;

/** Configuration records for unit tests, with the product's defaults wherever a test does not care. */
public final class Records {

    private Records() {
    }

    /** A virtual service at version 1 with every default; layer 4 services are UDP. */
    public static VirtualService virtualService(String name, Layer layer, List<Integer> ports) {
        return virtualService(name, layer == Layer.LAYER_7 ? Protocol.TCP : Protocol.UDP, layer, ports,
                HealthCheckType.CONNECT);
    }

    public static VirtualService virtualService(String name, Protocol protocol, Layer layer, List<Integer> ports,
            HealthCheckType check) {
        return new VirtualService(name, "127.0.0.10", ports, protocol, layer, Algorithm.WEIGHTED_LEAST_CONNECTIONS,
                new VirtualService.Persistence(PersistenceMode.NONE, null),
                new VirtualService.HealthCheck(check, Defaults.CHECK_INTERVAL, Defaults.CHECK_INTERVAL, Defaults.RISE,
                        Defaults.FALL, null, null, null, null, null),
                null, false, Defaults.IDLE_TIMEOUT, Defaults.CLIENT_FIRST_BYTE_TIMEOUT, Defaults.IDLE_TIMEOUT,
                Defaults.CONNECT_TIMEOUT, Defaults.FLOW_IDLE_TIMEOUT, Defaults.MAX_FLOWS, Defaults.SERVICE_MAX_CONNECTIONS,
                Defaults.MAX_CONNECTIONS_PER_CLIENT, 1L);
    }

    public static VirtualService tcp(String name, int port) {
        return virtualService(name, Layer.LAYER_7, List.of(port));
    }

    public static RealServer realServer(String label, String address, Integer port) {
        return realServer(label, address, port, Defaults.WEIGHT, AdminState.ONLINE, 1L);
    }

    public static RealServer realServer(String label, String address, Integer port, int weight, AdminState state,
            long version) {
        return new RealServer(label, address, port, weight, 0, 0, state, version);
    }
}
