package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.realserver.RealServerEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads every virtual and real server with plain JDBC on the caller's connection (so inside its
 * transaction), the same rows and order as the entity queries but without attaching thousands of
 * entities to a persistence context: that hydration dominated rebuilding large snapshots.
 */
final class ConfigRows {

    private ConfigRows() {
    }

    static List<ConfigState.ConfiguredVirtualService> virtualServices(Connection connection) throws SQLException {
        Map<Long, List<RealServer>> realServers = new HashMap<>();
        List<ConfigState.ConfiguredVirtualService> services = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT * FROM real_server ORDER BY label")) {
                while (rows.next()) {
                    RealServerEntity entity = realServer(rows);
                    realServers.computeIfAbsent(entity.virtualServiceId, id -> new ArrayList<>()).add(entity.toRecord());
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT * FROM virtual_service ORDER BY name")) {
                while (rows.next()) {
                    VirtualServiceEntity entity = virtualService(rows);
                    services.add(new ConfigState.ConfiguredVirtualService(VirtualServiceMapper.toRecord(entity),
                            List.copyOf(realServers.getOrDefault(entity.id, List.of()))));
                }
            }
        }
        return List.copyOf(services);
    }

    /** A detached entity, only so the one existing mapping to records is reused. */
    private static RealServerEntity realServer(ResultSet rows) throws SQLException {
        RealServerEntity e = new RealServerEntity();
        e.id = rows.getLong("id");
        e.virtualServiceId = rows.getLong("virtual_service_id");
        e.label = rows.getString("label");
        e.address = rows.getString("address");
        e.port = rows.getObject("port", Integer.class);
        e.weight = rows.getInt("weight");
        e.minConnections = rows.getInt("min_connections");
        e.maxConnections = rows.getInt("max_connections");
        e.state = rows.getString("state");
        e.version = rows.getLong("version");
        return e;
    }

    private static VirtualServiceEntity virtualService(ResultSet rows) throws SQLException {
        VirtualServiceEntity e = new VirtualServiceEntity();
        e.id = rows.getLong("id");
        e.name = rows.getString("name");
        e.address = rows.getString("address");
        e.ports = (Integer[]) rows.getArray("ports").getArray();
        e.protocol = rows.getString("protocol");
        e.layer = rows.getInt("layer");
        e.algorithm = rows.getString("algorithm");
        e.persistenceMode = rows.getString("persistence_mode");
        e.persistenceTimeoutMs = rows.getObject("persistence_timeout_ms", Long.class);
        e.healthCheckType = rows.getString("health_check_type");
        e.healthCheckIntervalMs = rows.getLong("health_check_interval_ms");
        e.healthCheckTimeoutMs = rows.getLong("health_check_timeout_ms");
        e.healthCheckRise = rows.getInt("health_check_rise");
        e.healthCheckFall = rows.getInt("health_check_fall");
        e.healthCheckPort = rows.getObject("health_check_port", Integer.class);
        e.healthCheckPath = rows.getString("health_check_path");
        e.healthCheckExpectStatus = rows.getString("health_check_expect_status");
        e.fallbackAddress = rows.getString("fallback_address");
        e.fallbackPort = rows.getObject("fallback_port", Integer.class);
        e.proxyProtocol = rows.getBoolean("proxy_protocol");
        e.clientIdleTimeoutMs = rows.getLong("client_idle_timeout_ms");
        e.serverIdleTimeoutMs = rows.getLong("server_idle_timeout_ms");
        e.connectTimeoutMs = rows.getLong("connect_timeout_ms");
        e.flowIdleTimeoutMs = rows.getLong("flow_idle_timeout_ms");
        e.maxFlows = rows.getInt("max_flows");
        e.version = rows.getLong("version");
        return e;
    }
}
