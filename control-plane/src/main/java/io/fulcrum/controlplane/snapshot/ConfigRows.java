package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.realserver.RealServerEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceEntity;
import io.fulcrum.controlplane.virtualservice.VirtualServiceMapper;
import io.fulcrum.controlplane.virtualservice.VirtualServiceService;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    /**
     * The names of the virtual services the audit entries of versions after {@code after} up to
     * {@code upTo} touch (their own or their real servers' changes), or empty when an entry names
     * anything else, so the caller reads everything.
     */
    static Optional<Set<String>> changedServiceNames(Connection connection, long after, long upTo)
            throws SQLException {
        String prefix = VirtualServiceService.COLLECTION + "/";
        Set<String> names = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT resource FROM audit_entry WHERE config_version > ? AND config_version <= ?")) {
            statement.setLong(1, after);
            statement.setLong(2, upTo);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String resource = rows.getString(1);
                    if (!resource.startsWith(prefix) || resource.length() == prefix.length()) {
                        return Optional.empty();
                    }
                    int end = resource.indexOf('/', prefix.length());
                    names.add(end < 0 ? resource.substring(prefix.length()) : resource.substring(prefix.length(), end));
                }
            }
        }
        return Optional.of(names);
    }

    /** Every virtual service name, in the order of the full read. */
    static List<String> serviceNames(Connection connection) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT name FROM virtual_service ORDER BY name")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /** The virtual services with these names that exist, with their real servers (ordered by label), by name. */
    static Map<String, ConfigState.ConfiguredVirtualService> virtualServices(Connection connection,
            Collection<String> names) throws SQLException {
        Map<String, ConfigState.ConfiguredVirtualService> services = new HashMap<>();
        if (names.isEmpty()) {
            return services;
        }
        List<VirtualServiceEntity> entities = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT * FROM virtual_service WHERE name = ANY (?)")) {
            statement.setArray(1, connection.createArrayOf("varchar", names.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    entities.add(virtualService(rows));
                }
            }
        }
        if (entities.isEmpty()) {
            return services;
        }
        Map<Long, List<RealServer>> realServers;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT * FROM real_server WHERE virtual_service_id = ANY (?) ORDER BY label")) {
            statement.setArray(1, connection.createArrayOf("bigint", entities.stream().map(e -> e.id).toArray()));
            realServers = realServersByService(statement.executeQuery());
        }
        for (VirtualServiceEntity entity : entities) {
            services.put(entity.name, configured(entity, realServers));
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
        e.healthCheckUdpSend = rows.getString("health_check_udp_send");
        e.healthCheckUdpExpect = rows.getString("health_check_udp_expect");
        e.fallbackAddress = rows.getString("fallback_address");
        e.fallbackPort = rows.getObject("fallback_port", Integer.class);
        e.proxyProtocol = rows.getBoolean("proxy_protocol");
        e.clientIdleTimeoutMs = rows.getLong("client_idle_timeout_ms");
        e.serverIdleTimeoutMs = rows.getLong("server_idle_timeout_ms");
        e.connectTimeoutMs = rows.getLong("connect_timeout_ms");
        e.flowIdleTimeoutMs = rows.getLong("flow_idle_timeout_ms");
        e.maxFlows = rows.getInt("max_flows");
        e.clientFirstByteTimeoutMs = rows.getLong("client_first_byte_timeout_ms");
        e.maxConnections = rows.getInt("max_connections");
        e.maxConnectionsPerClient = rows.getInt("max_connections_per_client");
        e.version = rows.getLong("version");
        return e;
    }
}
