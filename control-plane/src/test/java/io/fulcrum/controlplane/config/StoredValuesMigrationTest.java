package io.fulcrum.controlplane.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Rows stored before the API had limits are brought within them by V4, as one audited version,
 * so nodes do not refuse every snapshot after an upgrade.
 */
class StoredValuesMigrationTest {

    @Test
    void valuesBeyondTheLimitsAreFittedAsOneAuditedVersion() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource database = postgres.getPostgresDatabase();
            Flyway.configure().dataSource(database).target("3").load().migrate();
            try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
                sql.execute("""
                        INSERT INTO virtual_service (name, address, ports, protocol, layer, algorithm, persistence_mode,
                            persistence_timeout_ms, health_check_type, health_check_interval_ms, health_check_timeout_ms,
                            health_check_rise, health_check_fall, health_check_path, proxy_protocol,
                            client_idle_timeout_ms, server_idle_timeout_ms, connect_timeout_ms, flow_idle_timeout_ms,
                            max_flows, version)
                        VALUES ('..', '127.0.0.1', '{80}', 'tcp', 7, 'source-hash', 'source-ip', 86400000000, 'http',
                                7200000, 7200000, 2, 3, '/caf\u00e9', false, 9223372036854775807, 43200000, 7200000, 300000,
                                10000, 1),
                               ('fine', '127.0.0.2', '{80}', 'tcp', 7, 'source-hash', 'none', NULL, 'connect',
                                2000, 2000, 2, 3, NULL, false, 43200000, 43200000, 5000, 300000, 10000, 1)""");
                sql.execute("""
                        INSERT INTO real_server (virtual_service_id, label, address, port, weight, min_connections,
                            max_connections, state, version)
                        SELECT id, 'rs', '127.0.0.21', NULL, 100, 5, 2147483647, 'online', 1 FROM virtual_service""");
                sql.execute("UPDATE config_version SET version = 1");
            }
            Flyway.configure().dataSource(database).load().migrate();
            try (Connection connection = database.getConnection(); Statement sql = connection.createStatement()) {
                assertEquals(List.of("fine 43200000 5000 2000 null 1", "renamed-1 2073600000 300000 3600000 / 2"),
                        rows(sql, "SELECT name, client_idle_timeout_ms, connect_timeout_ms, health_check_interval_ms,"
                                + " health_check_path, version FROM virtual_service ORDER BY name", 6));
                assertEquals(List.of("5 1000000 2", "5 1000000 2"),
                        rows(sql, "SELECT min_connections, max_connections, version FROM real_server ORDER BY id", 3));
                assertEquals(List.of("2"), rows(sql, "SELECT version FROM config_version", 1));
                assertEquals(List.of("migration patch /api/v1/virtual-services/renamed-1 2",
                                "migration patch /api/v1/virtual-services/renamed-1/real-servers/rs 2",
                                "migration patch /api/v1/virtual-services/fine/real-servers/rs 2"),
                        rows(sql, "SELECT principal, action, resource, config_version FROM audit_entry ORDER BY id", 4));
            }
        }
    }

    private static List<String> rows(Statement sql, String query, int columns) throws Exception {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = sql.executeQuery(query)) {
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(String.valueOf(result.getObject(i)));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }
}
