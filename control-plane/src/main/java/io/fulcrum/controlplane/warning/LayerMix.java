package io.fulcrum.controlplane.warning;

import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState.ConfiguredVirtualService;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds real server endpoints that serve both a layer-7 and a layer-4 (SNAT) virtual service.
 * Appliances refuse that mix; Fulcrum carries both fine, so this only produces warnings that help
 * someone who moves a configuration between the two. A real server without a port serves every
 * port of its virtual service (port following), so those ports are what it is compared on.
 * Each check indexes the other layer's endpoints once and looks each real server up in it, so the
 * cost grows with the size of the configuration, never with its square.
 */
public final class LayerMix {

    private LayerMix() {
    }

    /** One warning for a real server of {@code service} that shares an endpoint with another layer. */
    public static List<Warning> forRealServer(List<ConfiguredVirtualService> all, VirtualService service,
            RealServer server, String field) {
        EndpointIndex other = EndpointIndex.of(all, vs -> vs.layer() != service.layer()
                && !vs.name().equals(service.name()));
        return other.warning(service, server, field).map(List::of).orElse(List.of());
    }

    /** Warnings for every real server of the named virtual service, e.g. after its layer changed. */
    public static List<Warning> forVirtualService(List<ConfiguredVirtualService> all, String name, String field) {
        List<Warning> warnings = new ArrayList<>();
        for (ConfiguredVirtualService configured : all) {
            VirtualService service = configured.virtualService();
            if (service.name().equals(name)) {
                EndpointIndex other = EndpointIndex.of(all, vs -> vs.layer() != service.layer()
                        && !vs.name().equals(name));
                for (RealServer server : configured.realServers()) {
                    other.warning(service, server, field).ifPresent(warnings::add);
                }
            }
        }
        return warnings;
    }

    /**
     * Warnings for a whole document, reported once per real server from the layer-4 side; fields
     * are paths into the document ({@code virtualServices[i].realServers[j].address}).
     */
    public static List<Warning> forDocument(List<ConfiguredVirtualService> all) {
        EndpointIndex layer7 = EndpointIndex.of(all, vs -> vs.layer() == Layer.LAYER_7);
        List<Warning> warnings = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            ConfiguredVirtualService configured = all.get(i);
            if (configured.virtualService().layer() != Layer.LAYER_4) {
                continue;
            }
            for (int j = 0; j < configured.realServers().size(); j++) {
                String field = "virtualServices[" + i + "].realServers[" + j + "].address";
                layer7.warning(configured.virtualService(), configured.realServers().get(j), field)
                        .ifPresent(warnings::add);
            }
        }
        return warnings;
    }

    /** The first virtual service (in list order) serving each address:port, among the services indexed. */
    private record EndpointIndex(Map<String, VirtualService> firstServiceAt) {

        static EndpointIndex of(List<ConfiguredVirtualService> all, Predicate<VirtualService> included) {
            Map<String, VirtualService> index = new HashMap<>();
            for (ConfiguredVirtualService configured : all) {
                if (!included.test(configured.virtualService())) {
                    continue;
                }
                for (RealServer server : configured.realServers()) {
                    for (int port : ports(configured.virtualService(), server)) {
                        index.putIfAbsent(key(server.address(), port), configured.virtualService());
                    }
                }
            }
            return new EndpointIndex(index);
        }

        Optional<Warning> warning(VirtualService service, RealServer server, String field) {
            for (int port : ports(service, server)) {
                VirtualService other = firstServiceAt.get(key(server.address(), port));
                if (other != null) {
                    return Optional.of(new Warning(field, message(server.address(), port, other)));
                }
            }
            return Optional.empty();
        }
    }

    private static List<Integer> ports(VirtualService service, RealServer server) {
        return server.port() == null ? service.ports() : List.of(server.port());
    }

    private static String key(String address, int port) {
        return address + " " + port;
    }

    private static String message(String address, int port, VirtualService other) {
        String endpoint = address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
        return "real server " + endpoint + " also serves layer-" + other.layer().number() + " virtual service "
                + other.name() + "; Fulcrum serves both, but an appliance does not allow one real server"
                + " address:port behind both a layer-7 and a layer-4 SNAT virtual service";
    }
}
