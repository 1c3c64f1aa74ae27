package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.realserver.RealServerEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
        try (Statement statement = connection.createStatement()) {
            Map<Long, List<RealServer>> realServers =
                    realServersByService(statement.executeQuery("SELECT * FROM real_server ORDER BY label"));
            List<ConfigState.ConfiguredVirtualService> services = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT * FROM virtual_service ORDER BY name")) {
                while (rows.next()) {
                    VirtualServiceEntity entity = virtualService(rows);
                    services.add(configured(entity, realServers));
                }
            }
            return List.copyOf(services);
        }
    }

    /** The stamp of every virtual service, in the order of the full read (by name). */
    static List<StampedConfig.Stamp> stamps(Connection connection) throws SQLException {
        List<StampedConfig.Stamp> stamps = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("""
                     SELECT v.id, v.version, count(r.id), coalesce(max(r.version), 0)
                     FROM virtual_service v LEFT JOIN real_server r ON r.virtual_service_id = v.id
                     GROUP BY v.id ORDER BY v.name""")) {
            while (rows.next()) {
                stamps.add(new StampedConfig.Stamp(rows.getLong(1), rows.getLong(2), rows.getLong(3), rows.getLong(4)));
            }
        }
        return stamps;
    }

    /** The virtual services with these ids and their real servers (ordered by label), by id. */
    static Map<Long, ConfigState.ConfiguredVirtualService> virtualServices(Connection connection, List<Long> ids)
            throws SQLException {
        Map<Long, ConfigState.ConfiguredVirtualService> services = new HashMap<>();
        if (ids.isEmpty()) {
            return services;
        }
        java.sql.Array idArray = connection.createArrayOf("bigint", ids.toArray());
        Map<Long, List<RealServer>> realServers;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT * FROM real_server WHERE virtual_service_id = ANY (?) ORDER BY label")) {
            statement.setArray(1, idArray);
            realServers = realServersByService(statement.executeQuery());
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT * FROM virtual_service WHERE id = ANY (?)")) {
            statement.setArray(1, idArray);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    VirtualServiceEntity entity = virtualService(rows);
                    services.put(entity.id, configured(entity, realServers));
                }
            }
        }
        return services;
    }

    private static Map<Long, List<RealServer>> realServersByService(ResultSet rows) throws SQLException {
        try (rows) {
            Map<Long, List<RealServer>> realServers = new HashMap<>();
            while (rows.next()) {
                RealServerEntity entity = realServer(rows);
                realServers.computeIfAbsent(entity.virtualServiceId, id -> new ArrayList<>()).add(entity.toRecord());
            }
            return realServers;
        }
    }

    private static ConfigState.ConfiguredVirtualService configured(VirtualServiceEntity entity,
            Map<Long, List<RealServer>> realServers) {
        return new ConfigState.ConfiguredVirtualService(VirtualServiceMapper.toRecord(entity),
                List.copyOf(realServers.getOrDefault(entity.id, List.of())));
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
