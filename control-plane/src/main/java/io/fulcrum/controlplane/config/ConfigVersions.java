package io.fulcrum.controlplane.config;

import io.fulcrum.controlplane.security.PrincipalSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import org.hibernate.Session;

/**
 * Owns the global configuration version. A writing transaction ends with {@link #commit}, one SQL
 * statement that bumps the version, stamps the changed row and appends the audit entry: the version
 * row is therefore locked only from that statement to the commit, so writers of different
 * resources never wait on each other for long, and commit order equals version order.
 */
@ApplicationScoped
public class ConfigVersions {

    private static final String COMMIT = """
            WITH bumped AS (
                UPDATE config_version SET version = version + 1 WHERE id = 1 RETURNING version),
            stamped AS (%s),
            audited AS (
                INSERT INTO audit_entry (principal, action, resource, before, after, config_version)
                SELECT ?, ?, ?, CAST(? AS jsonb), jsonb_set(CAST(? AS jsonb), '{version}', to_jsonb(bumped.version)),
                       bumped.version
                FROM bumped RETURNING id)
            SELECT version FROM bumped""";
    private static final String STAMP = "UPDATE %s SET version = (SELECT version FROM bumped) WHERE id = ? RETURNING id";
    private static final String NO_STAMP = "SELECT 1";

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

    /** Must be the last database work of the transaction; returns the version the change produces. */
    public long commit(Change change) {
        Session session = entityManager.unwrap(Session.class);
        session.flush();
        String stamp = switch (change.stamp()) {
            case VIRTUAL_SERVICE -> STAMP.formatted("virtual_service");
            case REAL_SERVER -> STAMP.formatted("real_server");
            case NONE -> NO_STAMP;
        };
        long version = session.doReturningWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(COMMIT.formatted(stamp))) {
                int i = 1;
                if (change.stamp() != Change.Stamp.NONE) {
                    statement.setLong(i++, change.rowId());
                }
                statement.setString(i++, principal.name());
                statement.setString(i++, change.action());
                statement.setString(i++, change.resource());
                statement.setObject(i++, change.before(), Types.VARCHAR);
                statement.setObject(i, change.after(), Types.VARCHAR);
                try (ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
        // The row now carries a version the session did not write; keep the session from
        // overwriting it should anything flush again before commit.
        session.clear();
        committed.fire(new ConfigCommitted(version));
        return version;
    }
}
