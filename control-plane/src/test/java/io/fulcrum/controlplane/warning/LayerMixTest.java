package io.fulcrum.controlplane.warning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.Records;
import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState.ConfiguredVirtualService;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerMixTest {

    private static VirtualService service(String name, int layer, List<Integer> ports) {
        return Records.virtualService(name, layer == 7 ? Layer.LAYER_7 : Layer.LAYER_4, ports);
    }

    private static RealServer server(String label, String address, Integer port) {
        return Records.realServer(label, address, port);
    }

    private static ConfiguredVirtualService configured(VirtualService vs, RealServer... servers) {
        return new ConfiguredVirtualService(vs, List.of(servers));
    }

    @Test
    void portFollowingServersOnTheSamePortOfBothLayersAreReported() {
        VirtualService https = service("RAS-SG-HTTPS", 7, List.of(8443));
        VirtualService udp = service("RAS-SG-UDP", 4, List.of(8443));
        RealServer udpServer = server("RAS_Server1", "127.0.0.21", null);
        List<ConfiguredVirtualService> all = List.of(configured(https, server("RAS_Server1", "127.0.0.21", null)),
                configured(udp, udpServer));

        List<Warning> warnings = LayerMix.forRealServer(all, udp, udpServer, "address");

        assertEquals(1, warnings.size());
        assertEquals("address", warnings.get(0).field());
        assertTrue(warnings.get(0).message().startsWith(
                "real server 127.0.0.21:8443 also serves layer-7 virtual service RAS-SG-HTTPS;"),
                warnings.get(0).message());
    }

    @Test
    void aFixedPortMatchesOneOfTheOtherServicesFollowedPorts() {
        VirtualService web = service("web", 7, List.of(80, 8443));
        VirtualService udp = service("udp", 4, List.of(9000));
        RealServer fixed = server("a", "127.0.0.21", 8443);
        List<ConfiguredVirtualService> all = List.of(configured(web, server("a", "127.0.0.21", null)),
                configured(udp, fixed));

        assertEquals(1, LayerMix.forRealServer(all, udp, fixed, "address").size());
    }

    @Test
    void differentPortsAddressesOrEqualLayersAreNotReported() {
        VirtualService l7 = service("l7", 7, List.of(8443));
        VirtualService otherL4 = service("l4-other", 4, List.of(8443));
        VirtualService l4 = service("l4", 4, List.of(8443));
        RealServer candidate = server("a", "127.0.0.21", 9443);
        List<ConfiguredVirtualService> all = List.of(
                configured(l7, server("a", "127.0.0.21", null), server("b", "127.0.0.22", 9443)),
                configured(otherL4, server("a", "127.0.0.21", 9443)),
                configured(l4, candidate));

        assertEquals(List.of(), LayerMix.forRealServer(all, l4, candidate, "address"));
    }

    @Test
    void aDocumentReportsEachPairOnceFromTheLayerFourSide() {
        VirtualService https = service("https", 7, List.of(8443));
        VirtualService udp = service("udp", 4, List.of(8443));
        List<ConfiguredVirtualService> all = List.of(
                configured(https, server("one", "127.0.0.21", null), server("two", "127.0.0.22", null)),
                configured(udp, server("one", "127.0.0.21", null), server("two", "127.0.0.22", null)));

        List<Warning> warnings = LayerMix.forDocument(all);

        assertEquals(List.of("virtualServices[1].realServers[0].address", "virtualServices[1].realServers[1].address"),
                warnings.stream().map(Warning::field).toList());
    }

    @Test
    void aLayerChangeReportsEveryAffectedServer() {
        VirtualService https = service("https", 7, List.of(8443));
        VirtualService moved = service("moved", 4, List.of(8443));
        List<ConfiguredVirtualService> all = List.of(
                configured(https, server("one", "127.0.0.21", null)),
                configured(moved, server("one", "127.0.0.21", null), server("other", "127.0.0.99", null)));

        List<Warning> warnings = LayerMix.forVirtualService(all, "moved", "layer");

        assertEquals(1, warnings.size());
        assertEquals("layer", warnings.get(0).field());
    }
}
