package io.fulcrum.controlplane.warning;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState.ConfiguredVirtualService;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds real server endpoints that serve both a layer-7 and a layer-4 (SNAT) virtual service.
 * Appliances refuse that mix; Fulcrum carries both fine, so this only produces warnings that help
 * someone who moves a configuration between the two. A real server without a port serves every
 * port of its virtual service (port following), so those ports are what it is compared on.
 */
public final class LayerMix {

    private LayerMix() {
    }

    /** Warnings for one real server of {@code service}, compared with every other virtual service. */
    public static List<Warning> forRealServer(List<ConfiguredVirtualService> all, VirtualService service,
            RealServer server, String field) {
        List<Warning> warnings = new ArrayList<>();
        for (ConfiguredVirtualService other : all) {
            VirtualService otherService = other.virtualService();
            if (otherService.name().equals(service.name()) || otherService.layer() == service.layer()) {
                continue;
            }
            for (RealServer otherServer : other.realServers()) {
                sharedPort(service, server, otherService, otherServer).ifPresent(port ->
                        warnings.add(new Warning(field, message(server.address(), port, otherService))));
            }
        }
        return warnings;
    }

    /** Warnings for every real server of the named virtual service, e.g. after its layer changed. */
    public static List<Warning> forVirtualService(List<ConfiguredVirtualService> all, String name, String field) {
        List<Warning> warnings = new ArrayList<>();
        for (ConfiguredVirtualService configured : all) {
            if (configured.virtualService().name().equals(name)) {
                for (RealServer server : configured.realServers()) {
                    warnings.addAll(forRealServer(all, configured.virtualService(), server, field));
                }
            }
        }
        return warnings;
    }

    /**
     * Warnings for a whole document, reported once per pair from the layer-4 side; fields are
     * paths into the document ({@code virtualServices[i].realServers[j].address}).
     */
    public static List<Warning> forDocument(List<ConfiguredVirtualService> all) {
        List<Warning> warnings = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            ConfiguredVirtualService configured = all.get(i);
            if (configured.virtualService().layer() != 4) {
                continue;
            }
            for (int j = 0; j < configured.realServers().size(); j++) {
                String field = "virtualServices[" + i + "].realServers[" + j + "].address";
                warnings.addAll(forRealServer(all, configured.virtualService(), configured.realServers().get(j), field));
            }
        }
        return warnings;
    }

    private static Optional<Integer> sharedPort(VirtualService service, RealServer server,
            VirtualService otherService, RealServer otherServer) {
        if (!server.address().equals(otherServer.address())) {
            return Optional.empty();
        }
        List<Integer> otherPorts = ports(otherService, otherServer);
        return ports(service, server).stream().filter(otherPorts::contains).findFirst();
    }

    private static List<Integer> ports(VirtualService service, RealServer server) {
        return server.port() == null ? service.ports() : List.of(server.port());
    }

    private static String message(String address, int port, VirtualService other) {
        String endpoint = address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
        return "real server " + endpoint + " also serves layer-" + other.layer() + " virtual service " + other.name()
                + "; Fulcrum serves both, but an appliance does not allow one real server address:port behind"
                + " both a layer-7 and a layer-4 SNAT virtual service";
    }
}
