package io.fulcrum.dataplane.peers;

import com.google.protobuf.ByteString;
import io.fulcrum.dataplane.balance.PersistenceTable.SharedEntry;
import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.config.RealServerKey;
import io.fulcrum.proto.v1.PersistenceBatch;
import io.fulcrum.proto.v1.PersistenceEntry;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Persistence entries on the wire between peers, both ways. What a peer sends is checked as any
 * input from outside: an entry this node cannot place (an unknown virtual service or real server, as
 * while the peers apply different configuration versions, a malformed field) is ignored and counted,
 * never fatal; a batch larger than {@link #MAX_BATCH_ENTRIES} ends the stream.
 */
final class PersistenceEntries {
    /** Entries per batch; the sender splits larger sets (a whole table) into batches of this size. */
    static final int MAX_BATCH_ENTRIES = 2_048;
    /** A batch of MAX_BATCH_ENTRIES entries with the longest names fits well inside this. */
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;
    private static final int MAX_NAME_CHARS = 253;

    private PersistenceEntries() {
    }

    static PersistenceEntry toProto(String virtualService, SharedEntry entry) {
        RealServer server = entry.server();
        return PersistenceEntry.newBuilder()
                .setVirtualService(virtualService)
                .setClient(ByteString.copyFrom(entry.client().getAddress()))
                .setRealServerLabel(server.label())
                .setRealServerAddress(ByteString.copyFrom(server.config().address().getAddress()))
                .setRealServerPort(server.config().port())
                .setPinnedAtEpochMillis(entry.pinnedAtMillis())
                .setIdleMillis(entry.idleMillis())
                .build();
    }

    /** What one batch did here. */
    record Outcome(int applied, int ignored) {
    }

    static Outcome apply(PersistenceBatch batch, PersistenceDirectory directory) {
        if (batch.getEntriesCount() > MAX_BATCH_ENTRIES) {
            throw new IllegalArgumentException("a batch of " + batch.getEntriesCount() + " entries (at most "
                    + MAX_BATCH_ENTRIES + ")");
        }
        int applied = 0;
        for (PersistenceEntry entry : batch.getEntriesList()) {
            if (merge(entry, directory)) {
                applied++;
            }
        }
        return new Outcome(applied, batch.getEntriesCount() - applied);
    }

    private static boolean merge(PersistenceEntry entry, PersistenceDirectory directory) {
        if (entry.getVirtualService().length() > MAX_NAME_CHARS || entry.getRealServerLabel().length() > MAX_NAME_CHARS
                || entry.getRealServerPort() > 65535 || entry.getPinnedAtEpochMillis() < 0 || entry.getIdleMillis() < 0) {
            return false;
        }
        RealServerSelector selector = directory.selector(entry.getVirtualService());
        InetAddress client = address(entry.getClient());
        InetAddress serverAddress = address(entry.getRealServerAddress());
        if (selector == null || !selector.persistent() || client == null || serverAddress == null) {
            return false;
        }
        RealServer server = selector.server(new RealServerKey(entry.getRealServerLabel(), serverAddress,
                entry.getRealServerPort()));
        return server != null && selector.persistence().merge(client, server, entry.getPinnedAtEpochMillis(),
                entry.getIdleMillis());
    }

    /** Exactly 4 or 16 bytes, or null. */
    private static InetAddress address(ByteString bytes) {
        if (bytes.size() != 4 && bytes.size() != 16) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes.toByteArray());
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
