package io.fulcrum.controlplane.config;

import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.domain.Limits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.hibernate.Session;

/**
 * Keeps the number of virtual services, and of real servers per virtual service, within the limits
 * nodes serve, also when writers race: each insert first takes a transaction-scoped advisory lock
 * (for all virtual services, or for the one whose real servers grow), then counts what is
 * committed. Only inserts of the same kind wait for each other, and only until commit.
 */
@ApplicationScoped
public class CountLimits {

    /** Advisory lock keys; the second one is paired with a virtual service id. */
    private static final int VIRTUAL_SERVICES_KEY = 0x46554c31;
    private static final int REAL_SERVERS_KEY = 0x46554c32;

    @Inject
    EntityManager entityManager;

    /** Before a new virtual service is inserted: 409 when there are already as many as allowed. */
    public void admitVirtualService() {
        long count = lockAndCount("SELECT pg_advisory_xact_lock(" + VIRTUAL_SERVICES_KEY + ")",
                "SELECT count(*) FROM virtual_service", null);
        if (count >= Limits.VIRTUAL_SERVICES) {
            throw ProblemException.conflict("name", "name: there are already " + count
                    + " virtual services (the most a configuration may have is " + Limits.VIRTUAL_SERVICES + ")");
        }
    }

    /** Before a document replaces the configuration: waits for virtual-service inserts under way. */
    public void lockVirtualServices() {
        lockAndCount("SELECT pg_advisory_xact_lock(" + VIRTUAL_SERVICES_KEY + ")", null, null);
    }

    /** Before a real server is added to virtual service {@code id}: 409 when it has as many as allowed. */
    public void admitRealServer(long virtualServiceId, String serviceName) {
        long count = lockAndCount("SELECT pg_advisory_xact_lock(" + REAL_SERVERS_KEY + ", " + Math.floorMod(
                        virtualServiceId, Integer.MAX_VALUE) + ")",
                "SELECT count(*) FROM real_server WHERE virtual_service_id = ?", virtualServiceId);
        if (count >= Limits.REAL_SERVERS_PER_SERVICE) {
            throw ProblemException.conflict("label", "label: virtual service " + serviceName + " already has " + count
                    + " real servers (the most one may have is " + Limits.REAL_SERVERS_PER_SERVICE + ")");
        }
    }

    private long lockAndCount(String lock, String count, Long parameter) {
        Session session = entityManager.unwrap(Session.class);
        return session.doReturningWork(connection -> {
            try (PreparedStatement locking = connection.prepareStatement(lock)) {
                locking.execute();
            }
            if (count == null) {
                return 0L;
            }
            try (PreparedStatement counting = connection.prepareStatement(count)) {
                if (parameter != null) {
                    counting.setLong(1, parameter);
                }
                try (ResultSet rows = counting.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }
}
