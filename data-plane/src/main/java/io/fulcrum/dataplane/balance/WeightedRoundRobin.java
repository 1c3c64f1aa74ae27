package io.fulcrum.dataplane.balance;

import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Smooth weighted round robin (nginx's sequence), precomputed once per server list so a pick is
 * one atomic increment; servers that cannot take the client are skipped in sequence order.
 */
final class WeightedRoundRobin implements SelectionAlgorithm {
    // Bounds the precomputed sequence; larger weight sums are scaled down proportionally.
    static final int MAX_SEQUENCE = 1 << 16;

    private final RealServer[] servers;
    private final int[] sequence;
    private final AtomicLong cursor = new AtomicLong();

    WeightedRoundRobin(List<RealServer> servers) {
        this.servers = servers.toArray(new RealServer[0]);
        this.sequence = smoothSequence(reducedWeights(this.servers));
    }

    @Override
    public RealServer choose(InetAddress client, Predicate<RealServer> allowed) {
        if (sequence.length == 0 || !anyAllowed(allowed)) {
            return null;
        }
        for (int i = 0; i < sequence.length; i++) {
            long position = cursor.getAndIncrement();
            RealServer candidate = servers[sequence[(int) Math.floorMod(position, (long) sequence.length)]];
            if (allowed.test(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private boolean anyAllowed(Predicate<RealServer> allowed) {
        for (RealServer server : servers) {
            if (allowed.test(server)) {
                return true;
            }
        }
        return false;
    }

    static int[] reducedWeights(RealServer[] servers) {
        int[] weights = new int[servers.length];
        int gcd = 0;
        long sum = 0;
        for (int i = 0; i < servers.length; i++) {
            weights[i] = Math.max(0, servers[i].config().weight());
            gcd = BigInteger.valueOf(gcd).gcd(BigInteger.valueOf(weights[i])).intValue();
            sum += weights[i];
        }
        if (gcd == 0) {
            return weights;
        }
        long reducedSum = sum / gcd;
        for (int i = 0; i < weights.length; i++) {
            int w = weights[i] / gcd;
            if (reducedSum > MAX_SEQUENCE && w > 0) {
                w = (int) Math.max(1, (long) w * MAX_SEQUENCE / reducedSum);
            }
            weights[i] = w;
        }
        return weights;
    }

    static int[] smoothSequence(int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int[] sequence = new int[total];
        long[] current = new long[weights.length];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            sequence[step] = best;
        }
        return sequence;
    }
}
