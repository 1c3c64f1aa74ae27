package io.fulcrum.controlplane;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Everything a write could change, hashed: a refused request must leave it exactly as it was. */
public final class DatabaseFingerprint {

    private static final String QUERY = """
            SELECT (SELECT version FROM config_version)
                || ':' || (SELECT count(*) FROM audit_entry)
                || ':' || coalesce((SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM virtual_service t), '')
                || ':' || coalesce((SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM real_server t), '')
                || ':' || coalesce((SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM api_token t), '')""";

    private DatabaseFingerprint() {
    }

    public static String of(DataSource database) {
        try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(QUERY)) {
            row.next();
            return row.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
