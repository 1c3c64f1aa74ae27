package io.fulcrum.controlplane.overview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import static io.fulcrum.controlplane.domain.AdminState.DRAIN;
import static io.fulcrum.controlplane.domain.AdminState.HALT;
import static io.fulcrum.controlplane.domain.AdminState.ONLINE;
import static io.fulcrum.controlplane.domain.Health.DOWN;
import static io.fulcrum.controlplane.domain.Health.UNKNOWN;
import static io.fulcrum.controlplane.domain.Health.UP;

import io.fulcrum.controlplane.Records;
import io.fulcrum.controlplane.domain.AdminState;
import io.fulcrum.controlplane.domain.Health;
import io.fulcrum.controlplane.domain.HealthCheckType;
import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.domain.Protocol;
import io.fulcrum.controlplane.domain.ServiceStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverviewBuilderTest {

    private static Overview.RealServerStatus server(AdminState state, int weight, Health health) {
        return new Overview.RealServerStatus("rs", "127.0.0.1", null, weight, state, health, null, 0, 0, 0, 0, 0, 0, Map.of());
    }

    @Test
    void healthIsUnknownWithoutReports() {
        assertEquals(UNKNOWN, OverviewBuilder.combinedHealth(Map.of()));
    }

    @Test
    void oneNodeSeeingItDownMakesItDown() {
        assertEquals(DOWN, OverviewBuilder.combinedHealth(Map.of("a", UP, "b", DOWN)));
    }

    @Test
    void everyNodeSeeingItUpMakesItUp() {
        assertEquals(UP, OverviewBuilder.combinedHealth(Map.of("a", UP, "b", UP)));
    }

    @Test
    void mixedUpAndUnknownIsUnknown() {
        assertEquals(UNKNOWN, OverviewBuilder.combinedHealth(Map.of("a", UP, "b", UNKNOWN)));
    }

    @Test
    void serviceIsUpWhenEveryOnlineServerIsUp() {
        assertEquals(ServiceStatus.UP, OverviewBuilder.status(List.of(server(ONLINE, 100, UP), server(DRAIN, 100, DOWN))));
    }

    @Test
    void serviceWithoutRealServersIsDown() {
        assertEquals(ServiceStatus.DOWN, OverviewBuilder.status(List.of()));
    }

    @Test
    void serviceIsDownWhenNoServerCanTakeConnections() {
        assertEquals(ServiceStatus.DOWN, OverviewBuilder.status(List.of(server(ONLINE, 100, DOWN), server(DRAIN, 100, UP),
                server(ONLINE, 0, UP))));
    }

    @Test
    void serviceIsDegradedWhenSomeOnlineServerIsNotUp() {
        assertEquals(ServiceStatus.DEGRADED, OverviewBuilder.status(List.of(server(ONLINE, 100, UP), server(ONLINE, 100, DOWN))));
        assertEquals(ServiceStatus.DEGRADED, OverviewBuilder.status(List.of(server(ONLINE, 100, UNKNOWN))));
    }

    @Test
    void drainedOnlyServiceWithHealthyServersIsDown() {
        assertEquals(ServiceStatus.DOWN, OverviewBuilder.status(List.of(server(DRAIN, 100, UP), server(HALT, 100, UP))));
    }

    @Test
    void udpCountersAreSummedOverNodes() {
        var udp = Records.virtualService("udp", Protocol.UDP, Layer.LAYER_4, List.of(8443), HealthCheckType.PING);
        var server = Records.realServer("rs", "127.0.0.21", null);
        var state = new io.fulcrum.controlplane.snapshot.ConfigState(1, List.of(
                new io.fulcrum.controlplane.snapshot.ConfigState.ConfiguredVirtualService(udp, List.of(server))));
        Map<String, io.fulcrum.controlplane.sync.NodeStats> reports = Map.of("a", report(3, 10), "b", report(2, 5));

        Overview.VirtualServiceStatus vs = OverviewBuilder.build(state, reports).virtualServices().get(0);

        assertEquals(5, vs.connections());
        assertEquals(List.of(2L, 4L, 15L, 13L, 6L), List.of(vs.droppedFlows(), vs.repinnedFlows(), vs.datagramsIn(),
                vs.datagramsOut(), vs.droppedDatagrams()));
        assertEquals(300, vs.persistenceEntries(), "replicated tables: the most any node holds, not a sum");
        assertEquals(List.of(15L, 13L), List.of(vs.realServers().get(0).datagramsIn(),
                vs.realServers().get(0).datagramsOut()));
    }

    /** One node's report: {@code flows} live flows, {@code datagrams} in (one fewer out). */
    private static io.fulcrum.controlplane.sync.NodeStats report(long flows, long datagrams) {
        var rs = new io.fulcrum.controlplane.sync.NodeStats.RealServerStats(UP, "", flows, flows, 0, 0, datagrams,
                datagrams - 1);
        var vs = new io.fulcrum.controlplane.sync.NodeStats.VirtualServiceStats(flows, flows, 0, 0, 0, 1, 2, datagrams,
                datagrams - 1, 3, flows * 100, Map.of("rs", rs));
        return new io.fulcrum.controlplane.sync.NodeStats(1, java.time.Instant.EPOCH, Map.of("udp", vs), java.util.List.of());
    }
}
