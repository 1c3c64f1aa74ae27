package io.fulcrum.dataplane;

import io.fulcrum.dataplane.config.DurationText;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Command-line settings of a node; --node-id, --control-plane and --state-dir may also come from
 * FULCRUM_NODE_ID, FULCRUM_CONTROL_PLANE and FULCRUM_STATE_DIR (flags win).
 */
record DataPlaneOptions(String nodeId, String controlPlane, Path stateDir, Duration reportInterval,
                        int ioThreads, Duration shutdownGrace) {

    static final String USAGE = "usage: fulcrum-data-plane --node-id ID --control-plane HOST:PORT --state-dir DIR"
            + " [--report-interval 1s] [--io-threads N] [--shutdown-grace 5s]";

    static DataPlaneOptions parse(String[] args, Map<String, String> env) {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (!flag.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + flag + "'");
            }
            String name = flag.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            if (!Map.of("node-id", 1, "control-plane", 1, "state-dir", 1, "report-interval", 1,
                    "io-threads", 1, "shutdown-grace", 1).containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            flags.put(name, value);
        }
        String nodeId = required(flags, env, "node-id", "FULCRUM_NODE_ID");
        String controlPlane = required(flags, env, "control-plane", "FULCRUM_CONTROL_PLANE");
        if (!controlPlane.matches(".+:\\d{1,5}")) {
            throw new IllegalArgumentException("--control-plane '" + controlPlane + "' (expected HOST:PORT)");
        }
        Path stateDir = Path.of(required(flags, env, "state-dir", "FULCRUM_STATE_DIR"));
        Duration reportInterval = positive("--report-interval", flags.getOrDefault("report-interval", "1s"));
        Duration grace = DurationText.parse(flags.getOrDefault("shutdown-grace", "5s"));
        int threads = Runtime.getRuntime().availableProcessors();
        if (flags.containsKey("io-threads")) {
            try {
                threads = Integer.parseInt(flags.get("io-threads"));
            } catch (NumberFormatException e) {
                threads = 0;
            }
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("--io-threads '" + flags.get("io-threads") + "' (expected 1..1024)");
            }
        }
        return new DataPlaneOptions(nodeId, controlPlane, stateDir, reportInterval, threads, grace);
    }

    private static String required(Map<String, String> flags, Map<String, String> env, String flag, String variable) {
        String value = flags.getOrDefault(flag, env.get(variable));
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing --" + flag + " (or " + variable + ")");
        }
        return value;
    }

    private static Duration positive(String flag, String text) {
        Duration duration = DurationText.parse(text);
        if (duration.isZero()) {
            throw new IllegalArgumentException(flag + " must be positive");
        }
        return duration;
    }
}
