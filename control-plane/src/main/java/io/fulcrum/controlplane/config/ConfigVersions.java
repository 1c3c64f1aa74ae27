package io.fulcrum.controlplane.config;

import io.fulcrum.controlplane.security.PrincipalSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;
import org.hibernate.Session;

/**
 * Owns the global configuration version. A writing transaction ends with {@link #commit}, one SQL
 * statement that bumps the version, stamps the changed rows and appends the audit entries: the
 * version row is therefore locked only from that statement to the commit, so writers of different
 * resources never wait on each other for long, and commit order equals version order.
 */
@ApplicationScoped
public class ConfigVersions {

    private static final String COMMIT = """
            WITH bumped AS (
                UPDATE config_version SET version = version + 1 WHERE id = 1 RETURNING version),
            virtual_services AS (
                UPDATE virtual_service SET version = (SELECT version FROM bumped) WHERE id = ANY (?) RETURNING id),
            real_servers AS (
                UPDATE real_server SET version = (SELECT version FROM bumped) WHERE id = ANY (?) RETURNING id),
            audited AS (
                INSERT INTO audit_entry (principal, action, resource, before, after, config_version)
                SELECT ?, c.action, c.resource, CAST(c.before AS jsonb),
                       jsonb_set(CAST(c.after AS jsonb), '{version}', to_jsonb(b.version)), b.version
                FROM bumped b,
                     unnest(CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]))
                         WITH ORDINALITY AS c(action, resource, before, after, position)
                ORDER BY c.position
                RETURNING id)
            SELECT version FROM bumped""";

    @Inject
    EntityManager entityManager;
    @Inject
    PrincipalSource principal;
    @Inject
    Event<ConfigCommitted> committed;

    /** The version of the configuration as this transaction sees it. */
    public long current() {
        return ((Number) entityManager.createNativeQuery("SELECT version FROM config_version WHERE id = 1")
                .getSingleResult()).longValue();
    }

    public long commit(Change change, Stamps stamps) {
        return commit(List.of(change), stamps);
    }

    /** Must be the last database work of the transaction; returns the version the changes produce. */
    public long commit(List<Change> changes, Stamps stamps) {
        Session session = entityManager.unwrap(Session.class);
        session.flush();
        long version = session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(COMMIT)) {
                statement.setArray(1, connection.createArrayOf("bigint", stamps.virtualServiceIds().toArray()));
                statement.setArray(2, connection.createArrayOf("bigint", stamps.realServerIds().toArray()));
                statement.setString(3, principal.name());
                statement.setArray(4, texts(connection, changes, change -> change.action().json()));
                statement.setArray(5, texts(connection, changes, Change::resource));
                statement.setArray(6, texts(connection, changes, Change::before));
                statement.setArray(7, texts(connection, changes, Change::after));
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        // Rows now carry a version the session did not write; keep the session from overwriting
        // it should anything flush again before commit.
        session.clear();
        committed.fire(new ConfigCommitted(version, principal.name(), changes));
        return version;
    }

    /**
     * Records a change that is not configuration nodes serve (an API token, say): audited at the
     * current version, which it does not bump, so nothing is pushed.
     */
    public void audit(Change change) {
        Session session = entityManager.unwrap(Session.class);
        session.doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("""
                    INSERT INTO audit_entry (principal, action, resource, before, after, config_version)
                    SELECT ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), version FROM config_version WHERE id = 1""")) {
                statement.setString(1, principal.name());
                statement.setString(2, change.action().json());
                statement.setString(3, change.resource());
                statement.setString(4, change.before());
                statement.setString(5, change.after());
                statement.executeUpdate();
            }
        });
    }

    private static java.sql.Array texts(Connection connection, List<Change> changes, Function<Change, String> field)
            throws SQLException {
        return connection.createArrayOf("text", changes.stream().map(field).toArray(String[]::new));
    }
}
