package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.Json;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.demo.DemoRealServer;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.Keepalived;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import io.fulcrum.testbed.e2e.harness.PairNetwork;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.ProbeResults;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import io.fulcrum.testbed.e2e.harness.TestbedTool;
import io.fulcrum.testbed.load.FailoverProbe;
import io.fulcrum.testbed.net.SocketRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The brief's HA pair, built from deploy/keepalived: two node hosts and a client as network namespaces
 * on one bridge, keepalived (the shipped configuration, with the test's addresses) and the SYN hold
 * (fulcrum-hold.nft) in each node's namespace, the nodes sharing their source-IP persistence (--peers). Two floating addresses: .50
 * (Gateway, least-connections with source-IP persistence, and Web, source-hash) starts on host 1, .51
 * (Other) on host 2. Under a client load of short connections from 40 addresses and long-lived ones,
 * the active host dies (cable and processes) while the control plane is down, then a node is killed (kill -9), then stopped
 * cleanly (SIGTERM), then both nodes are restarted one at a time by rolling-restart.sh. Each time
 * the test measures how long new connections through the address failed, what a client waited at
 * most, whether each client stayed on its real server, and which long-lived connections survived.
 */
class HaPairFailoverIT {
    private static final String VIP = "198.18.0.50";
    private static final String OTHER_VIP = "198.18.0.51";
    private static final List<String> NODE_IDS = List.of("ha-node-1", "ha-node-2");
    private static final String INSTANCE = "fulcrum_vips";
    private static final String OTHER_INSTANCE = "fulcrum_vips_2";
    private static final Path DEPLOY = Path.of(System.getProperty("fulcrum.repository", ".."), "deploy").toAbsolutePath()
            .normalize();
    private static final Path DATA_PLANE_JAR = Path.of(System.getProperty("fulcrum.dataPlane.jar", "missing"));
    private static final Path NFT = Path.of("/usr/sbin/nft");

    private static Path work;
    private static Path pki;
    private static PairNetwork network;
    private static TestDatabase database;
    private static ControlPlaneProcess controlPlane;
    private static final List<ManagedProcess> helpers = new ArrayList<>();
    private static final DataPlaneNode[] nodes = new DataPlaneNode[2];
    private static final Keepalived[] keepalived = new Keepalived[2];

    @BeforeAll
    static void buildThePair() throws Exception {
        Optional<String> unavailable = PairNetwork.unavailable().or(Keepalived::unavailable)
                .or(() -> Files.isExecutable(NFT) ? Optional.empty()
                        : Optional.of("nft is not installed (Debian: apt-get install nftables)"));
        assumeTrue(unavailable.isEmpty(), () -> "HA pair test skipped: " + unavailable.orElse(""));
        work = Path.of("target", "e2e", "ha-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        Files.createDirectories(work);
        pki = work.resolve("pki");
        List<String> pkiCommand = new ArrayList<>(List.of("bash", DEPLOY.resolve("local/pki.sh").toString(),
                pki.toString(), "--host", PairNetwork.BRIDGE_ADDRESS));
        pkiCommand.addAll(NODE_IDS);
        run(pkiCommand);
        database = TestDatabase.create();
        controlPlane = ControlPlaneProcess.start(Path.of(System.getProperty("fulcrum.controlPlane.jar")), database,
                work, ControlPlaneProcess.tlsSettings(pki));
        network = PairNetwork.create("fh");

        // The control plane stays on this host's loopback; the nodes reach it at 198.18.0.1:9090 through
        // a unix socket, which both sides see.
        Path socket = work.resolve("cp.sock");
        helper(TestbedTool.start("relay-host", SocketRelay.class, work.resolve("relay-host.log"),
                "--listen", "unix:" + socket, "--to", controlPlane.grpcTarget()), "relaying");
        helper(TestbedTool.start(PairNetwork.in(network.bridgeNamespace()), "relay-bridge", SocketRelay.class,
                work.resolve("relay-bridge.log"), "--listen", PairNetwork.BRIDGE_ADDRESS + ":9090",
                "--to", "unix:" + socket), "relaying");
        for (int i = 0; i < 2; i++) {
            String address = PairNetwork.REAL_SERVER_ADDRESSES.get(i);
            String name = i == 0 ? "first" : "second";
            helper(TestbedTool.start(PairNetwork.in(network.bridgeNamespace()), name, DemoRealServer.class,
                    work.resolve(name + ".log"), "--name", name, "--listen", address + ":8443",
                    "--listen", address + ":8080"), "listening");
        }
        configure();
        for (int i = 0; i < 2; i++) {
            Path dir = hostDir(i);
            Files.createDirectories(dir.resolve("state"));
            holdNewConnections(i);
            startNode(i);
        }
        // Host 1 first, so it takes .50 (nopreempt: whoever holds an address keeps it); .51 preempts and
        // moves to host 2, its higher priority there.
        startKeepalived(0);
        keepalived[0].awaitState(INSTANCE, "MASTER", Duration.ofSeconds(20));
        startKeepalived(1);
        keepalived[1].awaitState(OTHER_INSTANCE, "MASTER", Duration.ofSeconds(20));
        keepalived[1].awaitState(INSTANCE, "BACKUP", Duration.ofSeconds(20));
        keepalived[0].awaitState(OTHER_INSTANCE, "BACKUP", Duration.ofSeconds(20));
        Poll.until("the peer links up", Duration.ofSeconds(30), () -> nodes[0].process().output().contains("link up")
                && nodes[1].process().output().contains("link up"));
    }

    @AfterAll
    static void tearDown() {
        for (Keepalived instance : keepalived) {
            if (instance != null) {
                instance.close();
            }
        }
        for (DataPlaneNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        helpers.forEach(ManagedProcess::close);
        if (network != null) {
            network.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @Test
    void failoversKeepClientsOnTheirServerAndRollingRestartsFailNoNewConnection() throws Exception {
        List<String> figures = new ArrayList<>();
        // fulcrum-hold.nft: a SYN to the address host 1 holds that no listener takes (port 9) is dropped, so the
        // client's connect times out instead of being refused; the same happens to every port of a dead node.
        String unheard = PairNetwork.exec(network.clientNamespace(), "bash", "-c",
                "timeout 1 bash -c 'exec 3<>/dev/tcp/" + VIP + "/9' 2>/dev/null; echo \"exit $?\"").strip();
        assertEquals("exit 124", unheard, "a SYN no listener takes on a held address is dropped, not refused");
        // And a datagram no socket takes gets no "port unreachable": the client's read times out (142), not refused (1).
        String unanswered = PairNetwork.exec(network.clientNamespace(), "bash", "-c",
                "exec 3<>/dev/udp/" + VIP + "/9; printf x >&3; read -t 1 -u 3 line 2>/dev/null; echo \"exit $?\"").strip();
        assertEquals("exit 142", unanswered, "a datagram no socket takes on a held address is not answered unreachable");

        // 1. With the control plane down (the clients are pinned and the pins replicated without it),
        // host 1 dies: its cable and both its processes at once. Host 2 takes .50 after 3 adverts.
        controlPlane.process().kill();
        Failover hostDeath = failover("control plane down, host 1 dies (cable pulled, node and keepalived kill -9)", 0, () -> {
            network.cutOff(0);
            nodes[0].process().kill();
            keepalived[0].kill();
        });
        report(figures, hostDeath);
        hostDeath.assertEveryClientKept();
        // Long-lived connections through the dead host are lost; those through host 2 (.51) are not.
        List<ProbeResults.LongLived> throughDead = hostDeath.results.longLived("GatewayLong");
        List<ProbeResults.LongLived> throughPeer = hostDeath.results.longLived("OtherLong");
        assertEquals(8, throughDead.size());
        assertEquals(8, throughPeer.size());
        assertTrue(throughDead.stream().noneMatch(ProbeResults.LongLived::alive), "through the dead host: " + throughDead);
        assertTrue(throughPeer.stream().allMatch(ProbeResults.LongLived::alive), "through the peer: " + throughPeer);
        figures.add("  long-lived: " + throughDead.size() + " of " + throughDead.size() + " through the dead host lost, "
                + throughPeer.size() + " of " + throughPeer.size() + " through its peer kept");
        controlPlane = controlPlane.restart(Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work);
        assertActiveNode(1);
        network.reconnect(0, List.of(VIP, OTHER_VIP));
        restartNode(0);
        startKeepalived(0);
        keepalived[0].awaitState(INSTANCE, "BACKUP", Duration.ofSeconds(20));
        keepalived[0].awaitState(OTHER_INSTANCE, "BACKUP", Duration.ofSeconds(20));

        // 2. Host 2's node is killed, its keepalived lives: the track script, waiting on the node's health
        // endpoint, sees the connection close and gives both addresses up. Until then the host drops the
        // SYNs no listener takes (fulcrum-hold.nft): the clients retry after 1 s and reach host 1. Only
        // connections open, or accepted but not yet taken, when the process died fail.
        Failover nodeKill = failover("node on host 2 killed (kill -9), keepalived running", 1,
                () -> nodes[1].process().kill());
        report(figures, nodeKill);
        nodeKill.assertEveryClientKept();
        assertEquals(List.of(), nodeKill.failedAfterTheFault(), "new connections failed after the node died");
        assertActiveNode(0);
        restartNode(1);
        keepalived[1].awaitState(INSTANCE, "BACKUP", Duration.ofSeconds(20));

        // 3. Host 1's node stops cleanly: it drops new SYNs, reports draining 0.2 s later and drops them until
        // .50 has moved.
        // The fault is done once the node drops new SYNs: a connection accepted in the milliseconds between
        // the SIGTERM and that is in flight, and is lost if the address moves before it is answered.
        Failover cleanStop = failover("node on host 1 stopped (SIGTERM, --stop-delay 5s)", 0, () -> {
            nodes[0].process().terminate();
            Poll.until("node 1 to drop new SYNs", Duration.ofSeconds(10),
                    () -> nodes[0].process().output().contains("stopping: draining"));
        });
        report(figures, cleanStop);
        cleanStop.assertEveryClientKept();
        assertEquals(List.of(), cleanStop.failedAfterTheFault(), "new connections failed during a clean stop");
        assertEquals(0, nodes[0].process().awaitExit(Duration.ofSeconds(20)), nodes[0].process().tail(20));
        assertTrue(nodes[0].process().output().contains("addresses released after"), nodes[0].process().tail(20));
        restartNode(0);
        keepalived[0].awaitState(INSTANCE, "BACKUP", Duration.ofSeconds(20));

        // 4. rolling-restart.sh restarts both nodes, one at a time, under load.
        Failover rolling = rollingRestart();
        report(figures, rolling);
        assertEquals(List.of(), rolling.results.failures(), "new connections failed during the rolling restart");
        rolling.assertEveryClientKept();

        System.out.println("HA pair (keepalived advert_int 0.2 s, track script every 1 s waiting 0.7 s on the node, fall 1):\n"
                + String.join("\n", figures));
        // Host death: the peer's master-down interval (three adverts of 0.2 s and the skew, 0.72 s from the last
        // advert heard), then gratuitous ARP and the probes' own 20 ms period; 0.5 s on top for a busy machine
        // (two cores for both hosts' keepalived and nodes, the control plane and the probing clients).
        assertTrue(hostDeath.outageMillis() < 1_250, "host death: outage " + hostDeath.outageMillis() + " ms");
        // Node kill and clean stop: the waiting track script sees the death or the 503 at once, or at its next
        // run (at most 0.3 s later; a second later when a busy machine made keepalived skip a run), and a
        // clean stop reports draining 0.2 s after it began dropping SYNs; then the same.
        assertTrue(nodeKill.outageMillis() < 2_000, "node kill: outage " + nodeKill.outageMillis() + " ms");
        assertTrue(cleanStop.outageMillis() < 2_000, "clean stop: outage " + cleanStop.outageMillis() + " ms");
    }

    /** Prints what the client saw around one fault as it happens, and keeps it for the summary at the end. */
    private static void report(List<String> figures, Failover failover) {
        String summary = failover.summary();
        figures.add(summary);
        System.out.println(summary);
    }

    /** What the client saw around one fault. */
    /** faultAt: when the fault began; faultDone: when it was complete (a host is cut off in a few ms). */
    private record Failover(String what, long faultAt, long faultDone, ProbeResults results) {
        long outageMillis() {
            return Math.max(results.longestOutageAfter("Gateway", faultAt), results.longestOutageAfter("Web", faultAt));
        }

        String summary() {
            long[] gateway = results.keptOnTheirServer("Gateway", faultAt);
            long[] web = results.keptOnTheirServer("Web", faultAt);
            List<ProbeResults.Attempt> failures = results.failures();
            long inFlight = failures.size() - failedAfterTheFault().size();
            return String.format("%s: %s did not take new connections for %d ms at most; %d of %d connections failed"
                            + " (%d of them in flight at the fault%s); longest wait %d ms; clients on the same server:"
                            + " %d/%d (persistence), %d/%d (source-hash)",
                    what, VIP, outageMillis(), failures.size(),
                    results.attempts("Gateway").size() + results.attempts("Web").size(), inFlight,
                    failures.isEmpty() ? "" : ", e.g. " + failures.get(0).failure(),
                    results.longestWaitAfter(faultAt), gateway[0], gateway[1], web[0], web[1]);
        }

        /** Connections that started once the fault was complete and failed. */
        List<ProbeResults.Attempt> failedAfterTheFault() {
            return results.failures().stream().filter(a -> a.start() >= faultDone).toList();
        }

        void assertEveryClientKept() {
            for (String label : List.of("Gateway", "Web")) {
                long[] kept = results.keptOnTheirServer(label, faultAt);
                assertEquals(40, kept[1], what + ": clients of " + label + " seen before and after");
                assertEquals(kept[1], kept[0], what + ": clients of " + label + " on the same real server");
            }
        }
    }

    /**
     * Runs the client load, waits until every client is answered and the host that takes over holds every
     * client's pin, causes the fault, waits until it is served again.
     */
    private Failover failover(String what, int active, Runnable fault) throws Exception {
        try (Load load = Load.start(network, "load-" + active + "-" + System.nanoTime())) {
            load.awaitEveryClientServed();
            // Replication is asynchronous (a pin leaves within one hand-off, and a few milliseconds later
            // the peer holds it), as in every HA pair: a pin made in the last moments before a host dies
            // can be lost. What the test measures is the failover of pins that were replicated.
            Poll.untilValue("host " + (2 - active) + " to hold the pins of every client of Gateway",
                    Duration.ofSeconds(10), () -> persistenceEntries(1 - active, "Gateway"), pins -> pins >= 40);
            long faultAt = System.currentTimeMillis();
            fault.run();
            long faultDone = System.currentTimeMillis();
            Poll.until("host " + (2 - active) + " to take " + VIP, Duration.ofSeconds(15),
                    () -> network.holds(network.node(1 - active), VIP));
            load.awaitServedSince(System.currentTimeMillis());
            return new Failover(what, faultAt, faultDone, load.finish());
        }
    }

    private Failover rollingRestart() throws Exception {
        Path restartScript = work.resolve("restart-node.sh");
        Files.writeString(restartScript, """
                #!/bin/sh
                # Stops the node of host $1 by its pid file and returns once it exited (as systemctl restart
                # would); the test starts it again, as systemd's Restart=always would.
                pid=$(cat "%s/$1/node.pid")
                kill -TERM "$pid"
                i=0
                while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
                """.formatted(work));
        AtomicBoolean supervising = new AtomicBoolean(true);
        Thread supervisor = new Thread(() -> {
            while (supervising.get()) {
                for (int i = 0; i < 2; i++) {
                    if (!nodes[i].process().isAlive()) {
                        restartNode(i);
                    }
                }
                sleepQuietly(100);
            }
        }, "node-supervisor");
        try (Load load = Load.start(network, "load-rolling")) {
            load.awaitEveryClientServed();
            long startedAt = System.currentTimeMillis();
            supervisor.start();
            List<String> command = new ArrayList<>(List.of("bash", DEPLOY.resolve("keepalived/rolling-restart.sh").toString(),
                    "--via", "ip netns exec", "--address", VIP,
                    "--state-dir", work + "/%h/state",
                    "--restart-command", "sh " + restartScript + " %h"));
            command.add(network.node(0));
            command.add(network.node(1));
            String output = run(command);
            System.out.println(output);
            supervising.set(false);
            supervisor.join(TimeUnit.SECONDS.toMillis(30));
            load.awaitServedSince(System.currentTimeMillis());
            return new Failover("rolling restart of both nodes (rolling-restart.sh)", startedAt, startedAt, load.finish());
        } finally {
            supervising.set(false);
        }
    }

    /** The entries of the source-IP persistence table of a service on the node of host {@code index} (its /metrics). */
    private static long persistenceEntries(int index, String virtualService) {
        String metrics = PairNetwork.exec(network.node(index), "curl", "-sS", "--max-time", "2",
                "http://127.0.0.1:9110/metrics");
        String sample = "fulcrum_virtual_service_persistence_entries{virtual_service=\"" + virtualService + "\"} ";
        return metrics.lines().filter(line -> line.startsWith(sample))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(sample.length()).strip()))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + sample + "in " + metrics));
    }

    /** /api/v1/overview shows the host that holds .50 as the active node of its services. */
    private static void assertActiveNode(int index) {
        String expected = "[\"" + NODE_IDS.get(index) + "\"]";
        Poll.untilValue("overview shows " + NODE_IDS.get(index) + " active for " + VIP, Duration.ofSeconds(10), () -> {
            for (JsonNode service : controlPlane.api().get("/api/v1/overview").requireSuccess().json().path("virtualServices")) {
                if (service.path("name").asText().equals("Gateway")) {
                    return service.path("activeNodes").toString() + " (nodes: "
                            + controlPlane.api().get("/api/v1/nodes").requireSuccess().json() + ")";
                }
            }
            return "no Gateway";
        }, active -> active.startsWith(expected + " "));
    }

    private static void configure() {
        FulcrumApi api = controlPlane.api();
        putService(api, "Gateway", VIP, 443, "weighted-least-connections", true, 8443);
        putService(api, "Web", VIP, 80, "source-hash", false, 8080);
        putService(api, "Other", OTHER_VIP, 443, "weighted-round-robin", false, 8443);
    }

    private static void putService(FulcrumApi api, String name, String address, int port, String algorithm,
                                   boolean persistent, int serverPort) {
        var body = Json.object().put("name", name).put("address", address).put("protocol", "tcp").put("layer", 7)
                .put("algorithm", algorithm);
        body.putArray("ports").add(port);
        if (persistent) {
            body.putObject("persistence").put("mode", "source-ip").put("timeout", "30m");
        }
        body.putObject("healthCheck").put("type", "connect").put("interval", "1s");
        api.put(FulcrumApi.virtualService(name), body).requireSuccess();
        for (int i = 0; i < 2; i++) {
            api.put(FulcrumApi.realServer(name, i == 0 ? "first" : "second"), Json.object()
                    .put("label", i == 0 ? "first" : "second")
                    .put("address", PairNetwork.REAL_SERVER_ADDRESSES.get(i)).put("port", serverPort)
                    .put("weight", 100)).requireSuccess();
        }
    }

    private static Path hostDir(int index) {
        return work.resolve(network.node(index));
    }

    private static synchronized void startNode(int index) {
        String peers = NODE_IDS.get(0) + "=" + PairNetwork.NODE_ADDRESSES.get(0) + ":7778," + NODE_IDS.get(1) + "="
                + PairNetwork.NODE_ADDRESSES.get(1) + ":7778";
        String id = NODE_IDS.get(index);
        nodes[index] = DataPlaneNode.start(PairNetwork.in(network.node(index)), DATA_PLANE_JAR, id,
                PairNetwork.BRIDGE_ADDRESS + ":9090", work, List.of(
                        "--tls-ca", pki.resolve("ca.crt").toString(),
                        "--tls-cert", pki.resolve("nodes").resolve(id + ".crt").toString(),
                        "--tls-key", pki.resolve("nodes").resolve(id + ".key").toString(),
                        "--peers", peers, "--health-listen", "127.0.0.1:9110", "--stop-delay", "5s",
                        "--shutdown-grace", "2s", "--report-interval", "200ms"));
        try {
            Files.writeString(hostDir(index).resolve("node.pid"), Long.toString(nodes[index].process().pid()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        NodeSync sync = new NodeSync(controlPlane.api());
        sync.awaitApplied(List.of(id), sync.currentVersion(), Duration.ofSeconds(30));
    }

    /** Starts the node of a host again once the old one is gone; it learns the table from its peer. */
    private static synchronized void restartNode(int index) {
        nodes[index].process().awaitExit(Duration.ofSeconds(30));
        startNode(index);
        Poll.until(NODE_IDS.get(index) + " to receive the whole table from its peer", Duration.ofSeconds(30),
                () -> nodes[index].process().output().contains("whole table from peer " + NODE_IDS.get(1 - index)));
    }

    /**
     * deploy/keepalived/fulcrum-hold.nft in host {@code index}'s namespace, with both floating addresses:
     * a SYN to an address the host holds that no listener takes is dropped, not answered with a reset.
     */
    private static void holdNewConnections(int index) throws IOException {
        String shipped = Files.readString(DEPLOY.resolve("keepalived/fulcrum-hold.nft"));
        String rules = shipped.replace("elements = { 192.0.2.10 }", "elements = { " + VIP + ", " + OTHER_VIP + " }");
        assertTrue(!rules.equals(shipped), "fulcrum-hold.nft names the example address 192.0.2.10");
        Path file = Files.writeString(hostDir(index).resolve("fulcrum-hold.nft"), rules);
        PairNetwork.exec(network.node(index), NFT.toString(), "-f", file.toString());
    }

    private static void startKeepalived(int index) throws IOException {
        Path dir = hostDir(index);
        Path config = Files.writeString(dir.resolve("keepalived.conf"), keepalivedConfig(index));
        keepalived[index] = Keepalived.start(network.node(index), config, dir, dir.resolve("state"));
    }

    /**
     * deploy/keepalived/keepalived.conf as host {@code index} would install it, with the test's addresses
     * and files, and a second instance for .51 whose priorities are the other way round and which
     * preempts, so .51 returns to host 2 whenever host 2 can serve.
     */
    private static String keepalivedConfig(int index) throws IOException {
        String shipped = Files.readString(DEPLOY.resolve("keepalived/keepalived.conf"));
        String config = shipped.replaceAll("(?m)\\s*#.*$", "");
        String own = PairNetwork.NODE_ADDRESSES.get(index);
        String peer = PairNetwork.NODE_ADDRESSES.get(1 - index);
        Path dir = hostDir(index);
        config = config.replace("router_id fulcrum-node-1", "router_id " + NODE_IDS.get(index))
                .replace("script_user fulcrum", "script_user root")
                .replace("/run/fulcrum/maintenance", dir.resolve("maintenance").toString())
                .replace("unicast_src_ip 192.0.2.11", "unicast_src_ip " + own)
                .replace("192.0.2.12", peer)
                .replace("notify /etc/keepalived/fulcrum-notify.sh", "notify \"/usr/bin/env FULCRUM_HA_STATE_DIR="
                        + dir.resolve("state") + " /bin/sh " + DEPLOY.resolve("keepalived/fulcrum-notify.sh") + "\"");
        assertTrue(!config.contains("192.0.2.") || config.contains("192.0.2.10/24"), config);
        String instance = config.substring(config.indexOf("vrrp_instance " + INSTANCE));
        String first = config.replace("192.0.2.10/24", VIP + "/24")
                .replace("priority 150", "priority " + (index == 0 ? 150 : 100));
        String second = instance.replace("vrrp_instance " + INSTANCE, "vrrp_instance " + OTHER_INSTANCE)
                .replace("virtual_router_id 51", "virtual_router_id 52")
                .replace("192.0.2.10/24", OTHER_VIP + "/24")
                .replace("priority 150", "priority " + (index == 1 ? 150 : 100))
                .replace("nopreempt", "");
        assertTrue(first.contains("priority " + (index == 0 ? 150 : 100)) && second.contains("virtual_router_id 52"), first);
        return first + "\n" + second;
    }

    private static void helper(ManagedProcess process, String ready) {
        helpers.add(process);
        process.awaitOutput(ready, Duration.ofSeconds(30));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish:\n" + output);
        }
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The client load: a FailoverProbe in the client namespace, stopped by its stop file. */
    private static final class Load implements AutoCloseable {
        private final ManagedProcess probe;
        private final Path stopFile;

        private Load(ManagedProcess probe, Path stopFile) {
            this.probe = probe;
            this.stopFile = stopFile;
        }

        static Load start(PairNetwork network, String name) {
            Path stopFile = work.resolve(name + ".stop");
            ManagedProcess probe = TestbedTool.start(PairNetwork.in(network.clientNamespace()), name, FailoverProbe.class,
                    work.resolve(name + ".log"), "--short", "Gateway=" + VIP + ":443", "--short", "Web=" + VIP + ":80",
                    "--long", "GatewayLong=" + VIP + ":443", "--long", "OtherLong=" + OTHER_VIP + ":443",
                    "--sources", PairNetwork.CLIENTS, "--long-count", "8", "--stop-file", stopFile.toString(),
                    "--max-seconds", "240");
            probe.awaitOutput("started", Duration.ofSeconds(30));
            return new Load(probe, stopFile);
        }

        void awaitEveryClientServed() {
            Poll.until("every client answered through " + VIP, Duration.ofSeconds(20), () -> {
                ProbeResults results = ProbeResults.parse(probe.output());
                long now = System.currentTimeMillis();
                return results.sourcesServedBefore("Gateway", now) == 40 && results.sourcesServedBefore("Web", now) == 40;
            });
        }

        /** Until every client was answered again after {@code since}: a few seconds of load after the move. */
        void awaitServedSince(long since) {
            Poll.until("every client answered again", Duration.ofSeconds(30), () -> {
                ProbeResults results = ProbeResults.parse(probe.output());
                return results.attempts("Gateway").stream().filter(a -> a.start() >= since && a.server() != null)
                        .map(ProbeResults.Attempt::source).distinct().count() == 40
                        && results.attempts("Web").stream().filter(a -> a.start() >= since && a.server() != null)
                        .map(ProbeResults.Attempt::source).distinct().count() == 40;
            });
        }

        ProbeResults finish() throws IOException {
            Files.writeString(stopFile, "stop");
            probe.awaitExit(Duration.ofSeconds(20));
            return ProbeResults.parse(probe.output());
        }

        @Override
        public void close() {
            probe.close();
        }
    }
}
