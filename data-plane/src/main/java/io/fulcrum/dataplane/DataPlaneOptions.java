package io.fulcrum.dataplane;

import io.fulcrum.dataplane.config.ByteSize;
import io.fulcrum.dataplane.config.DurationText;
import io.fulcrum.dataplane.controlplane.ControlPlaneTls;
import io.fulcrum.dataplane.peers.PeerGroup;
import io.fulcrum.dataplane.proxy.udp.UdpSocketBuffers;
import io.fulcrum.dataplane.warmup.WarmUp;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Command-line settings of a node; --node-id, --control-plane, --state-dir and the TLS files may also
 * come from FULCRUM_NODE_ID, FULCRUM_CONTROL_PLANE, FULCRUM_STATE_DIR, FULCRUM_TLS_CA, FULCRUM_TLS_CERT,
 * FULCRUM_TLS_KEY, FULCRUM_PEERS and FULCRUM_LOG_FORMAT (flags win). With TLS the node id is the certificate's; --node-id may only repeat it.
 */
record DataPlaneOptions(String nodeId, List<String> controlPlanes, Path stateDir, Duration reportInterval,
                        int ioThreads, StopTimings stop, Optional<ControlPlaneTls> tls,
                        UdpSocketBuffers udpBuffers, Optional<InetSocketAddress> healthListen,
                        Optional<PeerGroup> peers, boolean jsonLogs, Duration warmUp, boolean warmUpOnly) {

    static final int MAX_CONTROL_PLANES = 16;
    /** The most a start spends warming the relay before the listeners open (0s: none); see {@link WarmUp}. */
    static final String DEFAULT_WARM_UP = "3s";
    static final Duration MIN_REPORT_INTERVAL = Duration.ofMillis(10);
    static final Duration MAX_REPORT_INTERVAL = Duration.ofMinutes(1);
    static final String USAGE = "usage: fulcrum-data-plane --control-plane HOST:PORT[,HOST:PORT...] --state-dir DIR"
            + " (--node-id ID | --tls-ca FILE --tls-cert FILE --tls-key FILE [--node-id ID])"
            + " [--report-interval 1s] [--io-threads N] [--stop-delay 0s] [--shutdown-grace 5s]"
            + " [--udp-service-buffer 4MiB] [--udp-flow-buffer 1MiB] [--health-listen 127.0.0.1:9110]"
            + " [--peers ID=IP:PORT,ID=IP:PORT...] [--log-format text|json] [--warm-up 3s] [--warm-up-only yes|no]";
    private static final Set<String> FLAGS = Set.of("node-id", "control-plane", "state-dir", "report-interval",
            "io-threads", "stop-delay", "shutdown-grace", "tls-ca", "tls-cert", "tls-key", "udp-service-buffer", "udp-flow-buffer",
            "health-listen", "peers", "log-format", "warm-up", "warm-up-only");

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
            if (!FLAGS.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            flags.put(name, value);
        }
        Optional<ControlPlaneTls> tls = tls(flags, env);
        String nodeId = nodeId(flags, env, tls);
        List<String> controlPlanes = controlPlanes(required(flags, env, "control-plane", "FULCRUM_CONTROL_PLANE"));
        Path stateDir = Path.of(required(flags, env, "state-dir", "FULCRUM_STATE_DIR"));
        Duration reportInterval = bounded("--report-interval", flags.getOrDefault("report-interval", "1s"),
                MIN_REPORT_INTERVAL, MAX_REPORT_INTERVAL);
        StopTimings stop = new StopTimings(
                bounded("--stop-delay", flags.getOrDefault("stop-delay", "0s"), Duration.ZERO, StopTimings.MAX_STOP_DELAY),
                bounded("--shutdown-grace", flags.getOrDefault("shutdown-grace", "5s"), Duration.ZERO, StopTimings.MAX_GRACE));
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
        UdpSocketBuffers udpBuffers = new UdpSocketBuffers(
                bufferSize(flags, "udp-service-buffer", UdpSocketBuffers.DEFAULT.serviceBytes()),
                bufferSize(flags, "udp-flow-buffer", UdpSocketBuffers.DEFAULT.flowBytes()));
        Optional<InetSocketAddress> healthListen = flags.containsKey("health-listen")
                ? Optional.of(listenAddress("--health-listen", flags.get("health-listen"))) : Optional.empty();
        Optional<PeerGroup> peers = optional(flags, env, "peers", "FULCRUM_PEERS").map(text -> PeerGroup.parse(text, nodeId));
        if (peers.isPresent() && tls.isEmpty()) {
            throw new IllegalArgumentException("--peers needs the node's TLS files (--tls-ca, --tls-cert, --tls-key):"
                    + " the nodes of a group authenticate each other with their certificates");
        }
        String logFormat = optional(flags, env, "log-format", "FULCRUM_LOG_FORMAT").orElse("text");
        if (!logFormat.equals("text") && !logFormat.equals("json")) {
            throw new IllegalArgumentException("--log-format '" + logFormat + "' (expected text or json)");
        }
        Duration warmUp = bounded("--warm-up", flags.getOrDefault("warm-up", DEFAULT_WARM_UP),
                Duration.ZERO, WarmUp.MAX_BUDGET);
        // The training run of an AOT cache (deploy/bin/fulcrum-data-plane): the warm-up, then exit.
        String warmUpOnly = flags.getOrDefault("warm-up-only", "no");
        if (!warmUpOnly.equals("yes") && !warmUpOnly.equals("no")) {
            throw new IllegalArgumentException("--warm-up-only '" + warmUpOnly + "' (expected yes or no)");
        }
        return new DataPlaneOptions(nodeId, controlPlanes, stateDir, reportInterval, threads, stop, tls, udpBuffers,
                healthListen, peers, logFormat.equals("json"), warmUp, warmUpOnly.equals("yes"));
    }

    /** An IP literal and a port (0: any free one); a name would need a resolver at start. */
    private static InetSocketAddress listenAddress(String flag, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || !port(text.substring(colon + 1))) {
            throw new IllegalArgumentException(flag + " '" + text + "' (expected IP:PORT, e.g. 127.0.0.1:9110)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            throw new IllegalArgumentException(flag + " '" + text + "' (expected an IP address, not a name)");
        }
        try {
            return new InetSocketAddress(java.net.InetAddress.getByName(host), Integer.parseInt(text.substring(colon + 1)));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(flag + " '" + text + "' (expected IP:PORT)");
        }
    }

    /** A TCP port number as text: 0..65535, at most five digits. */
    private static boolean port(String text) {
        return text.matches("\\d{1,5}") && Integer.parseInt(text) <= 65535;
    }

        /** HOST:PORT, or several separated by commas: the instances of an active-active control plane. */
    private static List<String> controlPlanes(String text) {
        List<String> targets = List.of(text.split(",", -1));
        if (targets.size() > MAX_CONTROL_PLANES) {
            throw new IllegalArgumentException("--control-plane lists " + targets.size() + " addresses (at most "
                    + MAX_CONTROL_PLANES + ")");
        }
        for (String target : targets) {
            if (!target.matches("[^,\\s]{1,253}:\\d{1,5}") || !port(target.substring(target.lastIndexOf(':') + 1))) {
                throw new IllegalArgumentException("--control-plane '" + target + "' (expected HOST:PORT[,HOST:PORT...])");
            }
        }
        if (new java.util.HashSet<>(targets).size() != targets.size()) {
            throw new IllegalArgumentException("--control-plane '" + text + "' names an address twice");
        }
        return targets;
    }

    private static int bufferSize(Map<String, String> flags, String flag, int fallback) {
        if (!flags.containsKey(flag)) {
            return fallback;
        }
        long bytes = ByteSize.parse(flags.get(flag));
        if (bytes < UdpSocketBuffers.MIN_BYTES || bytes > UdpSocketBuffers.MAX_BYTES) {
            throw new IllegalArgumentException("--" + flag + " '" + flags.get(flag) + "' (expected "
                    + ByteSize.format(UdpSocketBuffers.MIN_BYTES) + ".." + ByteSize.format(UdpSocketBuffers.MAX_BYTES) + ")");
        }
        return (int) bytes;
    }

    /** All three TLS files, or none (plain text, which the control plane serves on loopback only). */
    private static Optional<ControlPlaneTls> tls(Map<String, String> flags, Map<String, String> env) {
        Optional<String> ca = optional(flags, env, "tls-ca", "FULCRUM_TLS_CA");
        Optional<String> certificate = optional(flags, env, "tls-cert", "FULCRUM_TLS_CERT");
        Optional<String> key = optional(flags, env, "tls-key", "FULCRUM_TLS_KEY");
        if (ca.isEmpty() && certificate.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (ca.isEmpty() || certificate.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("--tls-ca, --tls-cert and --tls-key go together");
        }
        for (String file : List.of(ca.get(), certificate.get(), key.get())) {
            if (!Files.isReadable(Path.of(file))) {
                throw new IllegalArgumentException("cannot read the TLS file " + file);
            }
        }
        return Optional.of(new ControlPlaneTls(Path.of(ca.get()), Path.of(certificate.get()), Path.of(key.get())));
    }

    private static String nodeId(Map<String, String> flags, Map<String, String> env, Optional<ControlPlaneTls> tls) {
        if (tls.isEmpty()) {
            return required(flags, env, "node-id", "FULCRUM_NODE_ID");
        }
        String certified = tls.get().nodeId();
        Optional<String> given = optional(flags, env, "node-id", "FULCRUM_NODE_ID");
        if (given.isPresent() && !given.get().equals(certified)) {
            throw new IllegalArgumentException("--node-id '" + given.get() + "' differs from the node id of the"
                    + " certificate, '" + certified + "' (the control plane takes the certificate's)");
        }
        return certified;
    }

    private static Optional<String> optional(Map<String, String> flags, Map<String, String> env, String flag,
                                             String variable) {
        String value = flags.getOrDefault(flag, env.get(variable));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    private static String required(Map<String, String> flags, Map<String, String> env, String flag, String variable) {
        return optional(flags, env, flag, variable)
                .orElseThrow(() -> new IllegalArgumentException("missing --" + flag + " (or " + variable + ")"));
    }

    /** A duration from min to max inclusive; anything else (an overflow too) is refused by the flag's name. */
    private static Duration bounded(String flag, String text, Duration min, Duration max) {
        Duration duration;
        try {
            duration = DurationText.parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            duration = null;
        }
        if (duration == null || duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
            throw new IllegalArgumentException(flag + " '" + text + "' (expected " + DurationText.format(min.toMillis())
                    + ".." + DurationText.format(max.toMillis()) + ", e.g. 500ms or 5s)");
        }
        return duration;
    }
}
