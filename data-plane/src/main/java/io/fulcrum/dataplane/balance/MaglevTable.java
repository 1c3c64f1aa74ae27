package io.fulcrum.dataplane.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** An immutable Maglev lookup table (slot to member index), weighted by each member's weight. */
record MaglevTable(List<RealServer> members, int[] entries) {

    int entry(int slot) {
        return entries[slot];
    }

    static MaglevTable build(List<RealServer> members) {
        int m = MaglevSourceHash.TABLE_SIZE;
        int n = members.size();
        int[] entries = new int[m];
        if (n == 0) {
            return new MaglevTable(List.copyOf(members), entries);
        }
        Arrays.fill(entries, -1);
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        long[] credit = new long[n];
        long maxWeight = 1;
        for (int i = 0; i < n; i++) {
            byte[] name = identity(members.get(i));
            offset[i] = Long.remainderUnsigned(Hashing.hash(name, Hashing.OFFSET_SEED), m);
            skip[i] = Long.remainderUnsigned(Hashing.hash(name, Hashing.SKIP_SEED), m - 1) + 1;
            maxWeight = Math.max(maxWeight, weight(members.get(i)));
        }
        int filled = 0;
        while (filled < m) {
            for (int i = 0; i < n && filled < m; i++) {
                // A member takes a slot each time its credit reaches the largest weight, so slots
                // are shared in proportion to weight.
                credit[i] += weight(members.get(i));
                if (credit[i] < maxWeight) {
                    continue;
                }
                credit[i] -= maxWeight;
                int c = (int) ((offset[i] + next[i] * skip[i]) % m);
                while (entries[c] >= 0) {
                    next[i]++;
                    c = (int) ((offset[i] + next[i] * skip[i]) % m);
                }
                entries[c] = i;
                next[i]++;
                filled++;
            }
        }
        return new MaglevTable(List.copyOf(members), entries);
    }

    private static long weight(RealServer server) {
        return Math.max(1, server.config().weight());
    }

    // Hash the server's identity, not its list position, so every node orders preferences alike.
    private static byte[] identity(RealServer server) {
        var c = server.config();
        return (c.label() + "|" + c.address().getHostAddress() + "|" + c.port()).getBytes(StandardCharsets.UTF_8);
    }
}
