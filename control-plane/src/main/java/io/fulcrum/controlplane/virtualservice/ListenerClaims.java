package io.fulcrum.controlplane.virtualservice;

import io.fulcrum.controlplane.domain.Protocol;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Keeps virtual_service_port, one row per (address, port, protocol) a virtual service listens on.
 * Its unique constraint makes two services on the same listener impossible even under races;
 * {@link #conflict} only exists to name the other service in the answer.
 */
@ApplicationScoped
public class ListenerClaims {

    @Inject
    EntityManager entityManager;

    /** The first port already claimed by another virtual service, described for a 409 answer. */
    public Optional<String> conflict(String address, Protocol protocol, List<Integer> ports, Long ownId) {
        return session().doReturningWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT vs.name, p.port FROM virtual_service_port p
                    JOIN virtual_service vs ON vs.id = p.virtual_service_id
                    WHERE p.address = ? AND p.protocol = ? AND p.port = ANY (?) AND p.virtual_service_id <> ?
                    ORDER BY p.port LIMIT 1""")) {
                query.setString(1, address);
                query.setString(2, protocol.json());
                query.setArray(3, connection.createArrayOf("integer", ports.toArray()));
                query.setLong(4, ownId == null ? -1 : ownId);
                try (ResultSet rows = query.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of("ports: " + address + ":" + rows.getInt(2) + "/" + protocol.json()
                            + " is already used by virtual service " + rows.getString(1));
                }
            }
        });
    }

    /** Replaces the claims of virtual service {@code id} with exactly the given listeners. */
    public void claim(long id, String address, Protocol protocol, List<Integer> ports) {
        release(id);
        add(id, address, protocol, ports);
    }

    /** Drops every claim of virtual service {@code id}, e.g. before listeners move between services. */
    public void release(long id) {
        Session session = session();
        session.flush();
        session.doWork(connection -> {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM virtual_service_port WHERE virtual_service_id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
        });
    }

    /** Claims the given listeners for virtual service {@code id}, which must hold none of them yet. */
    public void add(long id, String address, Protocol protocol, List<Integer> ports) {
        addAll(Map.of(id, new Listeners(address, protocol, ports)));
    }

    /** The listeners of one virtual service. */
    public record Listeners(String address, Protocol protocol, List<Integer> ports) {
    }

    /**
     * Claims the listeners of several virtual services (by id), none of which may hold them yet;
     * one flush for all, as flushing a large persistence context per service made big applies quadratic.
     */
    public void addAll(Map<Long, Listeners> services) {
        Session session = session();
        session.flush();
        session.doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO virtual_service_port (virtual_service_id, address, port, protocol, position) "
                            + "VALUES (?, ?, ?, ?, ?)")) {
                for (Map.Entry<Long, Listeners> service : services.entrySet()) {
                    Listeners listeners = service.getValue();
                    for (int i = 0; i < listeners.ports().size(); i++) {
                        insert.setLong(1, service.getKey());
                        insert.setString(2, listeners.address());
                        insert.setInt(3, listeners.ports().get(i));
                        insert.setString(4, listeners.protocol().json());
                        insert.setInt(5, i);
                        // One statement per port, so a clash reports its constraint directly.
                        insert.executeUpdate();
                    }
                }
            }
        });
    }

    private Session session() {
        return entityManager.unwrap(Session.class);
    }
}
