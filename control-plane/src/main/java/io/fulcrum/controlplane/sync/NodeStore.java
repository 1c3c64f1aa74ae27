package io.fulcrum.controlplane.sync;

import io.fulcrum.proto.v1.NodeReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;

/**
 * The node table. Writes come from the instance holding a node's stream and only touch rows it
 * holds, so an instance that lost a node to another never overwrites the newer owner; each write
 * announces itself (NOTIFY fulcrum_nodes) to the other instances at commit.
 */
@ApplicationScoped
public class NodeStore {

    /** Announces a write to a node's row; the payload is "<instance> <node id>". */
    static final String CHANNEL = "fulcrum_nodes";

    @Inject
    DataSource dataSource;

    List<NodeRecord> loadAll() throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     SELECT id, hostname, software_version, first_seen, last_seen, applied_version,
                            nack_version, nack_reason, nack_at, connected_to
                     FROM node ORDER BY id""");
             ResultSet rows = select.executeQuery()) {
            List<NodeRecord> records = new ArrayList<>();
            while (rows.next()) {
                long nackVersion = rows.getLong(7);
                NodeView.Nack nack = rows.wasNull() ? null
                        : new NodeView.Nack(nackVersion, rows.getString(8), rows.getTimestamp(9).toInstant().toString());
                records.add(new NodeRecord(rows.getString(1), rows.getString(2), rows.getString(3),
                        rows.getTimestamp(4).toInstant(), rows.getTimestamp(5).toInstant(), rows.getLong(6), nack,
                        rows.getString(10)));
            }
            return records;
        }
    }

    /**
     * Writes what this instance knows of the nodes it holds (or just let go: connectedTo null) in one
     * transaction. A node's first hello inserts its row; a hello takes the row over from no one, from
     * this instance, or from an instance that heard the node less recently (so a hello write delayed by
     * a database outage never steals the row back from the instance the node moved to); later writes
     * update it only while this instance still holds it.
     */
    void write(Collection<NodeState> states, String instance) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement hello = connection.prepareStatement("""
                         INSERT INTO node (id, hostname, software_version, first_seen, last_seen, applied_version,
                                           nack_version, nack_reason, nack_at, connected_to)
                         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                         ON CONFLICT (id) DO UPDATE SET hostname = EXCLUDED.hostname,
                             software_version = EXCLUDED.software_version, last_seen = EXCLUDED.last_seen,
                             applied_version = EXCLUDED.applied_version, nack_version = EXCLUDED.nack_version,
                             nack_reason = EXCLUDED.nack_reason, nack_at = EXCLUDED.nack_at,
                             connected_to = EXCLUDED.connected_to
                         WHERE node.connected_to IS NULL OR node.connected_to = EXCLUDED.connected_to
                             OR node.last_seen <= EXCLUDED.last_seen""");
                 PreparedStatement held = connection.prepareStatement("""
                         UPDATE node SET last_seen = ?, applied_version = ?, nack_version = ?, nack_reason = ?,
                             nack_at = ?, connected_to = ?
                         WHERE id = ? AND connected_to = ?""");
                 PreparedStatement announce = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                for (NodeState state : states) {
                    NodeRecord node = state.record();
                    NodeView.Nack nack = node.lastNack();
                    if (state.hello()) {
                        hello.setString(1, node.id());
                        hello.setString(2, node.hostname());
                        hello.setString(3, node.softwareVersion());
                        hello.setTimestamp(4, Timestamp.from(node.firstSeen()));
                        hello.setTimestamp(5, Timestamp.from(node.lastSeen()));
                        hello.setLong(6, node.appliedVersion());
                        setNack(hello, 7, nack);
                        hello.setString(10, node.connectedTo());
                        hello.executeUpdate();
                    } else {
                        held.setTimestamp(1, Timestamp.from(node.lastSeen()));
                        held.setLong(2, node.appliedVersion());
                        setNack(held, 3, nack);
                        held.setString(6, node.connectedTo());
                        held.setString(7, node.id());
                        held.setString(8, instance);
                        held.executeUpdate();
                    }
                    announce.setString(1, CHANNEL);
                    announce.setString(2, instance + " " + node.id());
                    announce.execute();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    /** Removes a node no instance holds (or whose holder stopped refreshing it before heldIfSeenAfter). */
    Decommission decommission(String id, Instant heldIfSeenAfter, String instance) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement("""
                         DELETE FROM node WHERE id = ? AND (connected_to IS NULL OR last_seen < ?)""");
                 PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM node WHERE id = ?");
                 PreparedStatement announce = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                delete.setString(1, id);
                delete.setTimestamp(2, Timestamp.from(heldIfSeenAfter));
                if (delete.executeUpdate() == 1) {
                    announce.setString(1, CHANNEL);
                    announce.setString(2, instance + " " + id);
                    announce.execute();
                    connection.commit();
                    return Decommission.REMOVED;
                }
                exists.setString(1, id);
                try (ResultSet row = exists.executeQuery()) {
                    connection.commit();
                    return row.next() ? Decommission.CONNECTED : Decommission.UNKNOWN;
                }
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        }
    }

    enum Decommission { REMOVED, CONNECTED, UNKNOWN }

    /** The latest report of each node this instance holds; not announced (they come every few seconds). */
    void writeReports(java.util.Map<String, NodeReport> reports, Instant receivedAt, String instance)
            throws SQLException {
        if (reports.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE node SET report = ?, reported_at = ? WHERE id = ? AND connected_to = ?")) {
            for (var report : reports.entrySet()) {
                update.setBytes(1, report.getValue().toByteArray());
                update.setTimestamp(2, Timestamp.from(receivedAt));
                update.setString(3, report.getKey());
                update.setString(4, instance);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** The latest reports of the nodes other instances hold, as those instances last wrote them. */
    java.util.Map<String, NodeStats> loadReports(String instance) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id, report, reported_at FROM node"
                     + " WHERE report IS NOT NULL AND connected_to IS NOT NULL AND connected_to <> ?")) {
            select.setString(1, instance);
            java.util.Map<String, NodeStats> reports = new java.util.LinkedHashMap<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    try {
                        reports.put(rows.getString(1), ProtoMapper.toStats(NodeReport.parseFrom(rows.getBytes(2)),
                                rows.getTimestamp(3).toInstant()));
                    } catch (com.google.protobuf.InvalidProtocolBufferException unreadable) {
                        // Written by a release whose report this one cannot read: that node shows no counters here.
                    }
                }
            }
            return reports;
        }
    }

    private static void setNack(PreparedStatement statement, int first, NodeView.Nack nack) throws SQLException {
        if (nack == null) {
            statement.setNull(first, java.sql.Types.BIGINT);
            statement.setNull(first + 1, java.sql.Types.VARCHAR);
            statement.setNull(first + 2, java.sql.Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
            statement.setLong(first, nack.version());
            statement.setString(first + 1, nack.reason());
            statement.setTimestamp(first + 2, Timestamp.from(Instant.parse(nack.at())));
        }
    }

    /** One node's row to write, and whether it comes from a hello (which may take the row over). */
    record NodeState(NodeRecord record, boolean hello) {
    }
}
