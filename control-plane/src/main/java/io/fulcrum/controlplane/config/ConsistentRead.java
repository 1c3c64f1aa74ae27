package io.fulcrum.controlplane.config;

import jakarta.persistence.EntityManager;
import java.sql.Statement;
import org.hibernate.Session;

/**
 * Turns the current transaction into a REPEATABLE READ, read-only one, so a response body and the
 * configuration version it is sent with come from the same committed state.
 */
public final class ConsistentRead {

    private ConsistentRead() {
    }

    /** Must run before any other statement of the transaction, or PostgreSQL refuses it. */
    public static void begin(EntityManager entityManager) {
        Session session = entityManager.unwrap(Session.class);
        // Nothing here is written back, so Hibernate need not keep a copy of every loaded row for
        // dirty checking; that copy dominated reading large configurations.
        session.setDefaultReadOnly(true);
        session.doWork(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
        });
    }
}
