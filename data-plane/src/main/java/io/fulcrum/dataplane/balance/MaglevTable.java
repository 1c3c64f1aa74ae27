package io.fulcrum.dataplane.balance;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/** An immutable Maglev lookup table (slot to member index), weighted by each member's weight. */
record MaglevTable(List<RealServer> members, int[] entries) {
    private static final int INDEX_BITS = 24;
    private static final long INDEX_MASK = (1L << INDEX_BITS) - 1;

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
        long maxWeight = 1;
        for (int i = 0; i < n; i++) {
            byte[] name = identity(members.get(i));
            offset[i] = Long.remainderUnsigned(Hashing.hash(name, Hashing.OFFSET_SEED), m);
            skip[i] = Long.remainderUnsigned(Hashing.hash(name, Hashing.SKIP_SEED), m - 1) + 1;
            maxWeight = Math.max(maxWeight, weight(members.get(i)));
        }
        // Slots are shared in proportion to weight: in round r (from 1) a member of weight w takes a
        // slot when floor(r * w / maxWeight) grows, members of one round in list order. Members wait
        // in a queue ordered by (round of their next slot, index) instead of being visited every
        // round: with one heavy member among 10,000 light ones the round-by-round loop took seconds,
        // on the event loop that rebuilds the table after a health change. Same table either way.
        PriorityQueue<Long> turns = new PriorityQueue<>(n);
        long[] taken = new long[n];
        for (int i = 0; i < n; i++) {
            turns.add(turn(nextRound(0, weight(members.get(i)), maxWeight), i));
        }
        int filled = 0;
        while (filled < m) {
            int i = (int) (turns.poll() & INDEX_MASK);
            int c = (int) ((offset[i] + next[i] * skip[i]) % m);
            while (entries[c] >= 0) {
                next[i]++;
                c = (int) ((offset[i] + next[i] * skip[i]) % m);
            }
            entries[c] = i;
            next[i]++;
            filled++;
            taken[i]++;
            turns.add(turn(nextRound(taken[i], weight(members.get(i)), maxWeight), i));
        }
        return new MaglevTable(List.copyOf(members), entries);
    }

    // The round in which a member that has taken `taken` slots takes its next: ceil((taken + 1) * max / w).
    private static long nextRound(long taken, long weight, long maxWeight) {
        return ((taken + 1) * maxWeight + weight - 1) / weight;
    }

    // Rounds stay below 2^33 (65,538 slots times weight 65,535) and indexes below 2^24.
    private static long turn(long round, int index) {
        return round << INDEX_BITS | index;
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
