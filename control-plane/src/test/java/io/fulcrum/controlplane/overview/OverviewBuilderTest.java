package io.fulcrum.controlplane.overview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverviewBuilderTest {

    private static Overview.RealServerStatus server(String state, int weight, String health) {
        return new Overview.RealServerStatus("rs", "127.0.0.1", null, weight, state, health, null, 0, 0, 0, 0, 0, 0, Map.of());
    }

    @Test
    void healthIsUnknownWithoutReports() {
        assertEquals("unknown", OverviewBuilder.combinedHealth(Map.of()));
    }

    @Test
    void oneNodeSeeingItDownMakesItDown() {
        assertEquals("down", OverviewBuilder.combinedHealth(Map.of("a", "up", "b", "down")));
    }

    @Test
    void everyNodeSeeingItUpMakesItUp() {
        assertEquals("up", OverviewBuilder.combinedHealth(Map.of("a", "up", "b", "up")));
    }

    @Test
    void mixedUpAndUnknownIsUnknown() {
        assertEquals("unknown", OverviewBuilder.combinedHealth(Map.of("a", "up", "b", "unknown")));
    }

    @Test
    void serviceIsUpWhenEveryOnlineServerIsUp() {
        assertEquals("up", OverviewBuilder.status(List.of(server("online", 100, "up"), server("drain", 100, "down"))));
    }

    @Test
    void serviceWithoutRealServersIsDown() {
        assertEquals("down", OverviewBuilder.status(List.of()));
    }

    @Test
    void serviceIsDownWhenNoServerCanTakeConnections() {
        assertEquals("down", OverviewBuilder.status(List.of(server("online", 100, "down"), server("drain", 100, "up"),
                server("online", 0, "up"))));
    }

    @Test
    void serviceIsDegradedWhenSomeOnlineServerIsNotUp() {
        assertEquals("degraded", OverviewBuilder.status(List.of(server("online", 100, "up"), server("online", 100, "down"))));
        assertEquals("degraded", OverviewBuilder.status(List.of(server("online", 100, "unknown"))));
    }

    @Test
    void drainedOnlyServiceWithHealthyServersIsDown() {
        assertEquals("down", OverviewBuilder.status(List.of(server("drain", 100, "up"), server("halt", 100, "up"))));
    }

    @Test
    void udpCountersAreSummedOverNodes() {
        io.fulcrum.controlplane.virtualservice.VirtualService udp = new io.fulcrum.controlplane.virtualservice.VirtualService(
                "udp", "127.0.0.10", List.of(8443), "udp", 4, "weighted-least-connections",
                new io.fulcrum.controlplane.virtualservice.VirtualService.Persistence("none", null),
                new io.fulcrum.controlplane.virtualservice.VirtualService.HealthCheck("ping", "2s", "2s", 2, 3, null,
                        null, null), null, false, "12h", "12h", "5s", "5m", 10_000, 1L);
        var server = new io.fulcrum.controlplane.realserver.RealServer("rs", "127.0.0.21", null, 100, 0, 0, "online", 1L);
        var state = new io.fulcrum.controlplane.snapshot.ConfigState(1, List.of(
                new io.fulcrum.controlplane.snapshot.ConfigState.ConfiguredVirtualService(udp, List.of(server))));
        Map<String, io.fulcrum.controlplane.sync.NodeStats> reports = Map.of("a", report(3, 10), "b", report(2, 5));

        Overview.VirtualServiceStatus vs = OverviewBuilder.build(state, reports).virtualServices().get(0);

        assertEquals(5, vs.connections());
        assertEquals(List.of(2L, 4L, 15L, 13L, 6L), List.of(vs.droppedFlows(), vs.repinnedFlows(), vs.datagramsIn(),
                vs.datagramsOut(), vs.droppedDatagrams()));
        assertEquals(List.of(15L, 13L), List.of(vs.realServers().get(0).datagramsIn(),
                vs.realServers().get(0).datagramsOut()));
    }

    /** One node's report: {@code flows} live flows, {@code datagrams} in (one fewer out). */
    private static io.fulcrum.controlplane.sync.NodeStats report(long flows, long datagrams) {
        var rs = new io.fulcrum.controlplane.sync.NodeStats.RealServerStats("up", "", flows, flows, 0, 0, datagrams,
                datagrams - 1);
        var vs = new io.fulcrum.controlplane.sync.NodeStats.VirtualServiceStats(flows, flows, 0, 0, 1, 2, datagrams,
                datagrams - 1, 3, Map.of("rs", rs));
        return new io.fulcrum.controlplane.sync.NodeStats(1, java.time.Instant.EPOCH, Map.of("udp", vs));
    }
}
