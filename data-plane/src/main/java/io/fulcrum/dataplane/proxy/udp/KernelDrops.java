package io.fulcrum.dataplane.proxy.udp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Datagrams the kernel dropped on this node's own UDP sockets because their receive buffers were
 * full (the {@code drops} column of /proc/net/udp and udp6): loss the node cannot see in its own
 * counters, since those datagrams never reach it. Sockets are known by their inode, read once from
 * /proc/self/fd when they are bound. One read of the tables serves every caller for a while.
 */
public final class KernelDrops {
    private static final System.Logger LOG = System.getLogger(KernelDrops.class.getName());
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));
    private static final long FRESH_NANOS = 500_000_000L;

    // Written under the class lock by whoever reads the tables; read without it by event loops.
    private static volatile Map<Long, Long> cached = Map.of();
    private static long cachedAtNanos;
    private static boolean warned;

    private KernelDrops() {
    }

    /** The inode of the socket behind a file descriptor of this process, if /proc says. */
    public static OptionalLong inode(int fd) {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                return OptionalLong.of(Long.parseLong(target.substring(8, target.length() - 1)));
            }
        } catch (IOException | RuntimeException e) {
            warnOnce("cannot read /proc/self/fd/" + fd + ": " + e);
        }
        return OptionalLong.empty();
    }

    /** The drops per inode of the last read of the tables, without reading them again. */
    static Map<Long, Long> lastRead() {
        return cached;
    }

    /** Drops per socket inode, at most half a second old. */
    public static synchronized Map<Long, Long> byInode() {
        long now = System.nanoTime();
        if (now - cachedAtNanos < FRESH_NANOS) {
            return cached;
        }
        Map<Long, Long> drops = new HashMap<>();
        for (Path table : TABLES) {
            try {
                for (String line : Files.readAllLines(table)) {
                    parse(line, drops);
                }
            } catch (IOException e) {
                warnOnce("cannot read " + table + ": " + e.getMessage());
            }
        }
        cached = drops;
        cachedAtNanos = now;
        return drops;
    }

    /**
     * One line: "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops". With a
     * line per socket of the host (a node's flows included), lines without drops, nearly all of them,
     * are passed over on their last character.
     */
    static void parse(String line, Map<Long, Long> into) {
        int end = line.length();
        while (end > 0 && Character.isWhitespace(line.charAt(end - 1))) {
            end--;
        }
        if (end < 2 || (line.charAt(end - 1) == '0' && line.charAt(end - 2) == ' ')) {
            return;
        }
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 13 || !fields[0].endsWith(":")) {
            return;
        }
        try {
            long drops = Long.parseLong(fields[12]);
            if (drops > 0) {
                into.put(Long.parseLong(fields[9]), drops);
            }
        } catch (NumberFormatException header) {
            // the table's header line
        }
    }

    private static synchronized void warnOnce(String message) {
        if (!warned) {
            warned = true;
            LOG.log(Level.WARNING, message + "; datagrams the kernel drops on full receive buffers are not counted");
        }
    }
}
