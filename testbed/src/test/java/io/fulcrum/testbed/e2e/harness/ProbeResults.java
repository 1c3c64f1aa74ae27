package io.fulcrum.testbed.e2e.harness;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** What a FailoverProbe printed, read back around a fault at {@code faultAt} (wall-clock ms). */
public final class ProbeResults {

    /** One short connection: from start to end, answered by server (null when it failed). */
    public record Attempt(String label, String source, long start, long end, String server, String failure) {
        boolean ok() {
            return server != null;
        }
    }

    public record Probe(String label, long start, boolean ok) {
    }

    /** A long-lived connection: its server, and when it broke (0: alive to the end). */
    public record LongLived(String label, String source, String server, long brokenAt, String reason) {
        public boolean alive() {
            return brokenAt == 0 && server != null;
        }
    }

    private final List<Attempt> attempts = new ArrayList<>();
    private final List<Probe> probes = new ArrayList<>();
    private final Map<String, LongLived> longLived = new HashMap<>();

    public static ProbeResults parse(String output) {
        ProbeResults results = new ProbeResults();
        for (String line : output.lines().toList()) {
            String[] f = line.split(" ");
            switch (f[0]) {
                case "short" -> {
                    if (f.length == 7) {
                        boolean ok = f[5].equals("ok");
                        results.attempts.add(new Attempt(f[1], f[2], Long.parseLong(f[3]), Long.parseLong(f[4]),
                                ok ? f[6] : null, ok ? null : f[6]));
                    }
                }
                case "probe" -> {
                    if (f.length == 4) {
                        results.probes.add(new Probe(f[1], Long.parseLong(f[2]), f[3].equals("ok")));
                    }
                }
                case "long" -> {
                    String key = f[1] + " " + f[2];
                    LongLived known = results.longLived.get(key);
                    if (f.length >= 5 && f[3].equals("open")) {
                        results.longLived.put(key, new LongLived(f[1], f[2], f[4], 0, null));
                    } else if (f.length >= 5 && f[3].equals("broken")) {
                        results.longLived.put(key, new LongLived(f[1], f[2], known == null ? null : known.server(),
                                Long.parseLong(f[4]), f.length > 5 ? f[5] : ""));
                    }
                }
                default -> {
                    // started, done
                }
            }
        }
        return results;
    }

    public List<Attempt> attempts(String label) {
        return attempts.stream().filter(a -> a.label().equals(label)).toList();
    }

    /** Successful short connections of {@code label} answered at or after {@code since}. */
    public long successesSince(String label, long since) {
        return attempts(label).stream().filter(a -> a.ok() && a.start() >= since).count();
    }

    /** How many sources of {@code label} had a short connection answered before {@code before}. */
    public long sourcesServedBefore(String label, long before) {
        return attempts(label).stream().filter(a -> a.ok() && a.end() < before).map(Attempt::source).distinct().count();
    }

    public List<Attempt> failures() {
        return attempts.stream().filter(a -> !a.ok()).toList();
    }

    /** The longest a short connection started after {@code faultAt} took to be answered. */
    public long longestWaitAfter(long faultAt) {
        return attempts.stream().filter(a -> a.ok() && a.start() >= faultAt).mapToLong(a -> a.end() - a.start())
                .max().orElse(0);
    }

    /**
     * The longest the address did not serve after {@code since}: the most time between the starts of two
     * answered probes with only unanswered ones between them (probes go every 20 ms, with 100 ms to
     * connect and answer, so this is exact to about a probe's period), or 0 when every probe was answered.
     */
    public long longestOutageAfter(String label, long since) {
        long longest = 0;
        long lastAnswered = -1;
        boolean unanswered = false;
        for (Probe probe : probes) {
            if (!probe.label().equals(label)) {
                continue;
            }
            if (!probe.ok()) {
                unanswered = true;
            } else {
                if (unanswered && lastAnswered >= 0 && probe.start() >= since) {
                    longest = Math.max(longest, probe.start() - lastAnswered);
                }
                lastAnswered = probe.start();
                unanswered = false;
            }
        }
        return unanswered ? Long.MAX_VALUE : longest;
    }

    /**
     * Of the sources of {@code label} answered both before and after the fault, how many were answered
     * by the same real server each time: {kept, seen}.
     */
    public long[] keptOnTheirServer(String label, long faultAt) {
        Map<String, String> before = new HashMap<>();
        Map<String, Boolean> same = new HashMap<>();
        for (Attempt attempt : attempts(label)) {
            if (attempt.ok() && attempt.end() < faultAt) {
                before.put(attempt.source(), attempt.server());
            }
        }
        for (Attempt attempt : attempts(label)) {
            if (attempt.ok() && attempt.start() >= faultAt && before.containsKey(attempt.source())) {
                same.merge(attempt.source(), Objects.equals(before.get(attempt.source()), attempt.server()),
                        Boolean::logicalAnd);
            }
        }
        return new long[] {same.values().stream().filter(Boolean::booleanValue).count(), same.size()};
    }

    public List<LongLived> longLived(String label) {
        return longLived.values().stream().filter(l -> l.label().equals(label)).toList();
    }
}
