package io.fulcrum.controlplane.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.controlplane.config.ConfigVersions;
import io.fulcrum.controlplane.config.ConsistentRead;
import io.fulcrum.controlplane.domain.AuditAction;
import io.fulcrum.controlplane.domain.JsonName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.hibernate.Session;

/** Reads the audit log; entries are written by ConfigVersions in the statement that commits a change. */
@ApplicationScoped
public class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    EntityManager entityManager;
    @Inject
    ConfigVersions versions;

    /** A page of entries and the configuration version they were read at. */
    public record Page(List<AuditEntry> entries, long configVersion) {
    }

    /** The newest {@code limit} entries, newest first. */
    @Transactional
    public Page newest(int limit) {
        ConsistentRead.begin(entityManager);
        return new Page(read(limit), versions.current());
    }

    private List<AuditEntry> read(int limit) {
        return entityManager.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement query = connection.prepareStatement("""
                    SELECT id, at, principal, action, resource, config_version, before::text, after::text
                    FROM audit_entry ORDER BY config_version DESC, id DESC LIMIT ?""")) {
                query.setInt(1, limit);
                List<AuditEntry> entries = new ArrayList<>();
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        entries.add(new AuditEntry(rows.getLong(1), rows.getTimestamp(2).toInstant().toString(),
                                rows.getString(3), JsonName.stored(AuditAction.class, rows.getString(4)),
                                rows.getString(5), rows.getLong(6),
                                json(rows.getString(7)), json(rows.getString(8))));
                    }
                }
                return entries;
            }
        });
    }

    private static JsonNode json(String text) throws SQLException {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable audit JSON", e);
        }
    }
}
