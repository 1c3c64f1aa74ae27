package io.fulcrum.dataplane.balance;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Source-hash with Maglev consistent hashing: every node builds the same lookup table from the
 * same eligible servers, so all nodes send a client IP to the same server without sharing state,
 * and a server leaving moves only its own share. The table is rebuilt only when the eligible set
 * changes (health, admin state); a saturated or already tried server is skipped by probing on.
 */
final class MaglevSourceHash implements SelectionAlgorithm {
    static final int TABLE_SIZE = 65537;

    private final List<RealServer> servers;
    private volatile MaglevTable table = MaglevTable.build(List.of());

    MaglevSourceHash(List<RealServer> servers) {
        this.servers = List.copyOf(servers);
    }

    @Override
    public RealServer choose(InetAddress client, Predicate<RealServer> allowed) {
        MaglevTable current = currentTable();
        List<RealServer> members = current.members();
        if (members.isEmpty() || members.stream().noneMatch(allowed)) {
            return null;
        }
        int slot = (int) Long.remainderUnsigned(Hashing.hash(client.getAddress(), Hashing.CLIENT_SEED), TABLE_SIZE);
        for (int i = 0; i < TABLE_SIZE; i++) {
            RealServer candidate = members.get(current.entry((slot + i) % TABLE_SIZE));
            if (allowed.test(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    // Racing rebuilds compute the same table from the same members, so the last write may win.
    private MaglevTable currentTable() {
        List<RealServer> members = new ArrayList<>(servers.size());
        for (RealServer server : servers) {
            if (server.isMaglevMember()) {
                members.add(server);
            }
        }
        MaglevTable current = table;
        if (!current.members().equals(members)) {
            current = MaglevTable.build(members);
            table = current;
        }
        return current;
    }
}
