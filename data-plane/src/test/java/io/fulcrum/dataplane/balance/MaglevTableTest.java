package io.fulcrum.dataplane.balance;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.fulcrum.dataplane.balance.Servers.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MaglevTableTest {

    @Test
    void slotsTakenInTurnsGiveTheTableTheRoundByRoundFillGave() {
        Random random = new Random(42);
        for (int trial = 0; trial < 15; trial++) {
            List<RealServer> members = new ArrayList<>();
            int n = 1 + random.nextInt(30);
            for (int i = 0; i < n; i++) {
                int weight = switch (trial % 3) {
                    case 0 -> random.nextInt(65_536);
                    case 1 -> i == 0 ? 65_535 : 1 + random.nextInt(3);
                    default -> 1 + random.nextInt(100);
                };
                members.add(server("s" + trial + "-" + i, weight));
            }
            assertArrayEquals(roundByRound(members), MaglevTable.build(members).entries(), "trial " + trial);
        }
    }

    @Test
    void oneHeavyServerAmongTenThousandLightOnesFillsTheTableAsTheRoundByRoundFillWould() {
        // Too slow to compare with roundByRound here (seconds); its result follows from the rounds:
        // light members take their first slot in round 65,535, when the heavy one holds 65,535 slots.
        List<RealServer> members = new ArrayList<>();
        members.add(server("heavy", 65_535));
        for (int i = 0; i < 9_999; i++) {
            members.add(server("light" + i, 1));
        }
        int[] entries = MaglevTable.build(members).entries();
        assertEquals(65_535, Arrays.stream(entries).filter(entry -> entry == 0).count());
        assertEquals(1, Arrays.stream(entries).filter(entry -> entry == 1).count());
        assertEquals(1, Arrays.stream(entries).filter(entry -> entry == 2).count());
    }

    // The fill as it was first written: every member visited in every round, taking a slot each
    // time its credit reaches the largest weight.
    private static int[] roundByRound(List<RealServer> members) {
        int m = MaglevSourceHash.TABLE_SIZE;
        int n = members.size();
        int[] entries = new int[m];
        Arrays.fill(entries, -1);
        long[] offset = new long[n];
        long[] skip = new long[n];
        long[] next = new long[n];
        long[] credit = new long[n];
        long maxWeight = 1;
        for (int i = 0; i < n; i++) {
            var c = members.get(i).config();
            byte[] name = (c.label() + "|" + c.address().getHostAddress() + "|" + c.port())
                    .getBytes(StandardCharsets.UTF_8);
            offset[i] = Long.remainderUnsigned(Hashing.hash(name, Hashing.OFFSET_SEED), m);
            skip[i] = Long.remainderUnsigned(Hashing.hash(name, Hashing.SKIP_SEED), m - 1) + 1;
            maxWeight = Math.max(maxWeight, Math.max(1, c.weight()));
        }
        int filled = 0;
        while (filled < m) {
            for (int i = 0; i < n && filled < m; i++) {
                credit[i] += Math.max(1, members.get(i).config().weight());
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
        return entries;
    }
}
