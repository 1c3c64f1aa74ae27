package io.fulcrum.testbed.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Two node "hosts" and a client as network namespaces on one bridge, which lives in a namespace of its
 * own together with the real servers and the control plane's relay: nothing is added to the host's
 * own network. Addresses come from 198.18.0.0/24 (the benchmarking range): the bridge .1, real
 * servers .21 and .22, the nodes .11 and .12 (each on its eth0), clients .101 to .140.
 * The namespaces are named after the test and this JVM's pid, and removed (with every link in them)
 * by {@link #close}.
 */
public final class PairNetwork implements AutoCloseable {
    public static final String BRIDGE_ADDRESS = "198.18.0.1";
    public static final List<String> REAL_SERVER_ADDRESSES = List.of("198.18.0.21", "198.18.0.22");
    public static final List<String> NODE_ADDRESSES = List.of("198.18.0.11", "198.18.0.12");
    public static final String CLIENTS = "198.18.0.101-140";

    private final String bridge;
    private final List<String> nodes;
    private final String client;
    private final List<String> created = new ArrayList<>();

    private PairNetwork(String tag) {
        String prefix = tag + ProcessHandle.current().pid() % 100_000;
        bridge = prefix + "-br";
        nodes = List.of(prefix + "-n1", prefix + "-n2");
        client = prefix + "-cl";
    }

    /** Why this machine cannot build the network (not root, no ip netns), or empty when it can. */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root");
        }
        String probe = "fulcrum-probe-" + ProcessHandle.current().pid();
        try {
            ip("netns", "add", probe);
            ip("netns", "del", probe);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("ip netns does not work here: " + e.getMessage());
        }
    }

    public static PairNetwork create(String tag) {
        PairNetwork network = new PairNetwork(tag);
        try {
            network.build();
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
        return network;
    }

    private void build() {
        for (String namespace : List.of(bridge, nodes.get(0), nodes.get(1), client)) {
            ip("netns", "add", namespace);
            created.add(namespace);
            ip("-n", namespace, "link", "set", "lo", "up");
        }
        ip("-n", bridge, "link", "add", "br0", "type", "bridge");
        ip("-n", bridge, "link", "set", "br0", "up");
        ip("-n", bridge, "addr", "add", BRIDGE_ADDRESS + "/24", "dev", "br0");
        for (String address : REAL_SERVER_ADDRESSES) {
            ip("-n", bridge, "addr", "add", address + "/24", "dev", "br0");
        }
        for (int i = 0; i < nodes.size(); i++) {
            attach(nodes.get(i), "v-n" + (i + 1));
            ip("-n", nodes.get(i), "addr", "add", NODE_ADDRESSES.get(i) + "/24", "dev", "eth0");
        }
        attach(client, "v-cl");
        for (int i = 101; i <= 140; i++) {
            ip("-n", client, "addr", "add", "198.18.0." + i + "/24", "dev", "eth0");
        }
    }

    /** A veth pair: eth0 in the namespace, {@code port} on the bridge. */
    private void attach(String namespace, String port) {
        ip("link", "add", port, "netns", bridge, "type", "veth", "peer", "name", "eth0", "netns", namespace);
        ip("-n", bridge, "link", "set", port, "master", "br0", "up");
        ip("-n", namespace, "link", "set", "eth0", "up");
    }

    public String bridgeNamespace() {
        return bridge;
    }

    /** The namespace of node host 0 or 1. */
    public String node(int index) {
        return nodes.get(index);
    }

    public String clientNamespace() {
        return client;
    }

    /** The command prefix that runs a program inside {@code namespace}. */
    public static List<String> in(String namespace) {
        return List.of("ip", "netns", "exec", namespace);
    }

    /** The host's cable is pulled: nothing it sends reaches the bridge any more, nothing reaches it. */
    public void cutOff(int node) {
        ip("-n", bridge, "link", "set", "v-n" + (node + 1), "down");
    }

    /** The host is back on the segment without the addresses it held (as after a reboot). */
    public void reconnect(int node, List<String> floatingAddresses) {
        for (String address : floatingAddresses) {
            try {
                ip("-n", nodes.get(node), "addr", "del", address + "/24", "dev", "eth0");
            } catch (RuntimeException notHeld) {
                // it did not hold this one
            }
        }
        ip("-n", bridge, "link", "set", "v-n" + (node + 1), "up");
    }

    /** Whether the namespace has {@code address} on an interface now. */
    public boolean holds(String namespace, String address) {
        return ip("-n", namespace, "-o", "addr", "show").contains("inet " + address + "/");
    }

    @Override
    public void close() {
        for (String namespace : created) {
            try {
                ip("netns", "del", namespace);
            } catch (RuntimeException e) {
                System.err.println("could not remove network namespace " + namespace + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    /** Runs a program inside {@code namespace} and returns what it printed; fails with its output. */
    public static String exec(String namespace, String... program) {
        List<String> command = new ArrayList<>(List.of("netns", "exec", namespace));
        command.addAll(List.of(program));
        return ip(command.toArray(String[]::new));
    }

    /** Runs ip with these arguments and returns what it printed; fails with its output. */
    static String ip(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add("ip");
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
