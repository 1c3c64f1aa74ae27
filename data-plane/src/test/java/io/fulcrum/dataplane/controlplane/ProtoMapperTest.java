package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.proto.v1.RealServer;
import io.fulcrum.proto.v1.VirtualService;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtoMapperTest {

    static VirtualService.Builder web() {
        return VirtualService.newBuilder().setName("web").setAddress("127.0.0.10").addPorts(8080)
                .addRealServers(RealServer.newBuilder().setLabel("rs1").setAddress("127.0.0.21").setWeight(100));
    }

    @Test
    void zeroAndUnspecifiedFieldsMeanTheProductDefaults() throws Exception {
        Snapshot snapshot = ProtoMapper.toSnapshot(io.fulcrum.proto.v1.Snapshot.newBuilder()
                .setVersion(3).addVirtualServices(web()).build());
        VirtualServiceConfig service = snapshot.virtualServices().get(0);
        assertEquals(3, snapshot.version());
        assertEquals(Algorithm.WEIGHTED_LEAST_CONNECTIONS, service.algorithm());
        assertEquals(HealthCheckType.CONNECT, service.healthCheck().type());
        assertEquals(Duration.ofSeconds(2), service.healthCheck().interval());
        assertEquals(Duration.ofSeconds(2), service.healthCheck().timeout());
        assertEquals(2, service.healthCheck().rise());
        assertEquals(3, service.healthCheck().fall());
        assertEquals(Duration.ofHours(12), service.clientIdleTimeout());
        assertEquals(Duration.ofHours(12), service.serverIdleTimeout());
        assertEquals(Duration.ofSeconds(5), service.connectTimeout());
        assertEquals(Duration.ofMinutes(6), service.persistence().timeout());
        assertEquals(AdminState.ONLINE, service.realServers().get(0).state());
        assertEquals(0, service.realServers().get(0).port(), "port following");
    }

    @Test
    void equalProtosMapToEqualRecords() throws Exception {
        var proto = io.fulcrum.proto.v1.Snapshot.newBuilder().setVersion(1).addVirtualServices(web()).build();
        assertEquals(ProtoMapper.toSnapshot(proto), ProtoMapper.toSnapshot(proto));
    }

    @Test
    void hostNamesAreRefusedNotResolved() {
        var proto = io.fulcrum.proto.v1.Snapshot.newBuilder().addVirtualServices(web().setAddress("localhost")).build();
        InvalidSnapshotException e = assertThrows(InvalidSnapshotException.class, () -> ProtoMapper.toSnapshot(proto));
        assertEquals("virtual service web: address: 'localhost' (expected an IP address literal)", e.getMessage());
    }

    @Test
    void textOfIpv6CharactersThatIsNoLiteralIsRefused() {
        // The JDK would hand ".:" to the resolver; it is refused before that (not observable here).
        var proto = io.fulcrum.proto.v1.Snapshot.newBuilder().addVirtualServices(web().setAddress(".:")).build();
        InvalidSnapshotException e = assertThrows(InvalidSnapshotException.class, () -> ProtoMapper.toSnapshot(proto));
        assertEquals("virtual service web: address: '.:' (expected an IP address literal)", e.getMessage());
    }

    @Test
    void outOfRangeValuesNameTheFieldAndTheRange() {
        List<VirtualService.Builder> bad = List.of(
                web().clearPorts().addPorts(70000),
                web().clearPorts(),
                web().addRealServers(RealServer.newBuilder().setLabel("rs2").setAddress("127.0.0.22").setWeight(70000)),
                web().addRealServers(RealServer.newBuilder().setLabel("rs1").setAddress("127.0.0.22")),
                web().addRealServers(RealServer.newBuilder().setLabel("rs3").setAddress("300.0.0.1")));
        List<String> expected = List.of("ports: 70000 (expected 1..65535)", "ports: empty",
                "weight: 70000 (expected 0..65535)", "label used twice", "expected an IP address literal");
        for (int i = 0; i < bad.size(); i++) {
            var proto = io.fulcrum.proto.v1.Snapshot.newBuilder().addVirtualServices(bad.get(i)).build();
            InvalidSnapshotException e = assertThrows(InvalidSnapshotException.class,
                    () -> ProtoMapper.toSnapshot(proto));
            assertTrue(e.getMessage().contains(expected.get(i)), e.getMessage());
        }
    }

    @Test
    void ipv6LiteralsAreAccepted() throws Exception {
        var proto = io.fulcrum.proto.v1.Snapshot.newBuilder().addVirtualServices(web().setAddress("::1")).build();
        assertEquals("0:0:0:0:0:0:0:1", ProtoMapper.toSnapshot(proto).virtualServices().get(0).address().getHostAddress());
    }

    @Test
    void udpFlowSettingsMapWithZeroMeaningTheDefaults() throws Exception {
        VirtualServiceConfig defaults = ProtoMapper.toVirtualService(web()
                .setProtocol(io.fulcrum.proto.v1.Protocol.PROTOCOL_UDP).setLayer(io.fulcrum.proto.v1.Layer.LAYER_4)
                .build());
        assertEquals(io.fulcrum.dataplane.config.Protocol.UDP, defaults.protocol());
        assertEquals(Duration.ofMinutes(5), defaults.flows().idleTimeout());
        assertEquals(10_000, defaults.flows().maxFlows());
        VirtualServiceConfig set = ProtoMapper.toVirtualService(web().setFlowIdleTimeoutMs(1500).setMaxFlows(7).build());
        assertEquals(Duration.ofMillis(1500), set.flows().idleTimeout());
        assertEquals(7, set.flows().maxFlows());
        InvalidSnapshotException negative = assertThrows(InvalidSnapshotException.class,
                () -> ProtoMapper.toVirtualService(web().setMaxFlows(-1).build()));
        assertTrue(negative.getMessage().contains("maxFlows"), negative.getMessage());
    }

    @Test
    void proxyProtocolAppliesOnlyAtLayer7() throws Exception {
        assertTrue(ProtoMapper.toVirtualService(web().setProxyProtocol(true).build()).proxyProtocol());
        assertEquals(false, ProtoMapper.toVirtualService(web().setProxyProtocol(true)
                .setLayer(io.fulcrum.proto.v1.Layer.LAYER_4).build()).proxyProtocol());
    }

    @Test
    void datagramCountersAreReported() {
        var server = new io.fulcrum.dataplane.report.RealServerStatus("rs1",
                io.fulcrum.dataplane.health.Health.UP, "echo reply", 1, 2, 3, 4, 5, 0, 6, 7);
        var service = new io.fulcrum.dataplane.report.VirtualServiceStatus("udp", 2, 3, 4, 5, 0, 0,
                new io.fulcrum.dataplane.report.DatagramStatus(10, 11, 12, 13, 14), List.of(server));
        var stats = ProtoMapper.toReport(new io.fulcrum.dataplane.report.NodeStatus(1, 2, List.of(service)))
                .getVirtualServices(0);
        assertEquals(10, stats.getDatagramsIn());
        assertEquals(11, stats.getDatagramsOut());
        assertEquals(12, stats.getDroppedDatagrams());
        assertEquals(13, stats.getDroppedFlows());
        assertEquals(14, stats.getRepinnedFlows());
        assertEquals(6, stats.getRealServers(0).getDatagramsIn());
        assertEquals(7, stats.getRealServers(0).getDatagramsOut());
    }
}
