package io.fulcrum.controlplane.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fulcrum.controlplane.domain.AdminState;
import io.fulcrum.controlplane.domain.Algorithm;
import io.fulcrum.controlplane.domain.HealthCheckType;
import io.fulcrum.controlplane.domain.PersistenceMode;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import io.fulcrum.proto.v1.Layer;
import io.fulcrum.proto.v1.NodeReport;
import io.fulcrum.proto.v1.Protocol;
import io.fulcrum.proto.v1.RealServerStats;
import io.fulcrum.proto.v1.VirtualServiceStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtoMapperTest {

    @Test
    void udpFlowSettingsReachTheSnapshot() {
        VirtualService udp = new VirtualService("RAS-SG-UDP", "127.0.0.10", List.of(8443), io.fulcrum.controlplane.domain.Protocol.UDP,
                io.fulcrum.controlplane.domain.Layer.LAYER_4, Algorithm.WEIGHTED_LEAST_CONNECTIONS,
                new VirtualService.Persistence(PersistenceMode.SOURCE_IP, Duration.ofHours(6)),
                new VirtualService.HealthCheck(HealthCheckType.PING, Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 3,
                        null, null, null, null, null),
                null, false, Duration.ofHours(12), Duration.ofSeconds(20), Duration.ofHours(12), Duration.ofSeconds(5),
                Duration.ofSeconds(90), 500, 40, 4, 3L);
        RealServer server = new RealServer("RAS_Server1", "127.0.0.21", null, 100, 0, 0, AdminState.ONLINE, 3L);

        var proto = ProtoMapper.toSnapshot(new ConfigState(3, List.of(
                new ConfigState.ConfiguredVirtualService(udp, List.of(server))))).getVirtualServices(0);

        assertEquals(Protocol.PROTOCOL_UDP, proto.getProtocol());
        assertEquals(Layer.LAYER_4, proto.getLayer());
        assertEquals(90_000, proto.getFlowIdleTimeoutMs());
        assertEquals(500, proto.getMaxFlows());
        assertEquals(6 * 3_600_000L, proto.getPersistence().getTimeoutMs());
        assertEquals(0, proto.getRealServers(0).getPort());
    }

    @Test
    void udpCountersAreReadFromReports() {
        NodeReport report = NodeReport.newBuilder().setAppliedVersion(3)
                .addVirtualServices(VirtualServiceStats.newBuilder().setName("RAS-SG-UDP").setActiveConnections(4)
                        .setDroppedFlows(1).setRepinnedFlows(2).setDatagramsIn(30).setDatagramsOut(29)
                        .setDroppedDatagrams(5).setPersistenceEntries(7)
                        .addRealServers(RealServerStats.newBuilder().setLabel("RAS_Server1").setActiveConnections(4)
                                .setDatagramsIn(30).setDatagramsOut(29)))
                .build();

        NodeStats stats = ProtoMapper.toStats(report, Instant.EPOCH);

        NodeStats.VirtualServiceStats vs = stats.virtualServices().get("RAS-SG-UDP");
        assertEquals(List.of(4L, 1L, 2L, 30L, 29L, 5L), List.of(vs.connections(), vs.droppedFlows(),
                vs.repinnedFlows(), vs.datagramsIn(), vs.datagramsOut(), vs.droppedDatagrams()));
        assertEquals(7, vs.persistenceEntries());
        NodeStats.RealServerStats rs = vs.realServers().get("RAS_Server1");
        assertEquals(List.of(30L, 29L), List.of(rs.datagramsIn(), rs.datagramsOut()));
    }
}
