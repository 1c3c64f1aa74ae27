package io.fulcrum.dataplane.controlplane;

import io.fulcrum.proto.v1.AdminState;
import io.fulcrum.proto.v1.Algorithm;
import io.fulcrum.proto.v1.HealthCheck;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.Layer;
import io.fulcrum.proto.v1.Persistence;
import io.fulcrum.proto.v1.PersistenceMode;
import io.fulcrum.proto.v1.Protocol;
import io.fulcrum.proto.v1.RealServer;
import io.fulcrum.proto.v1.Snapshot;
import io.fulcrum.proto.v1.VirtualService;

/**
 * Snapshot messages as the control plane sends them: every field set, with the product's values
 * where an operator left one out (the node has no defaults of its own).
 */
public final class TestProtos {
    private TestProtos() {
    }

    /** A layer-7 TCP service: least connections, no persistence, a connect check, 12h idle, 5s connect. */
    public static VirtualService.Builder virtualService(String name, String address, int... ports) {
        VirtualService.Builder service = VirtualService.newBuilder()
                .setName(name)
                .setAddress(address)
                .setProtocol(Protocol.PROTOCOL_TCP)
                .setLayer(Layer.LAYER_7)
                .setAlgorithm(Algorithm.ALGORITHM_WEIGHTED_LEAST_CONNECTIONS)
                .setPersistence(Persistence.newBuilder().setMode(PersistenceMode.PERSISTENCE_MODE_NONE))
                .setHealthCheck(check(HealthCheckType.HEALTH_CHECK_TYPE_CONNECT))
                .setProxyProtocol(false)
                .setClientIdleTimeoutMs(12 * 3_600_000L)
                .setServerIdleTimeoutMs(12 * 3_600_000L)
                .setConnectTimeoutMs(5_000)
                .setFlowIdleTimeoutMs(300_000)
                .setMaxFlows(10_000)
                .setClientFirstByteTimeoutMs(60_000)
                .setMaxConnections(0);
        for (int port : ports) {
            service.addPorts(port);
        }
        return service;
    }

    /** A check of that type every 2s with a 2s timeout, rise 2, fall 3, on the real server's port. */
    public static HealthCheck.Builder check(HealthCheckType type) {
        HealthCheck.Builder check = HealthCheck.newBuilder().setType(type).setIntervalMs(2_000).setTimeoutMs(2_000)
                .setRise(2).setFall(3).setPort(0);
        if (type == HealthCheckType.HEALTH_CHECK_TYPE_HTTP) {
            check.setHttpPath("/").setHttpExpectedStatusMin(200).setHttpExpectedStatusMax(399);
        }
        return check;
    }

    /** An online real server with weight 100 and no connection limits; port 0 follows the client's port. */
    public static RealServer.Builder realServer(String label, String address, int port) {
        return RealServer.newBuilder().setLabel(label).setAddress(address).setPort(port).setWeight(100)
                .setMinConnections(0).setMaxConnections(0).setState(AdminState.ADMIN_STATE_ONLINE);
    }

    public static Snapshot snapshot(long version, VirtualService.Builder... services) {
        Snapshot.Builder snapshot = Snapshot.newBuilder().setVersion(version);
        for (VirtualService.Builder service : services) {
            snapshot.addVirtualServices(service);
        }
        return snapshot.build();
    }
}
