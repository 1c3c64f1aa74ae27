package io.fulcrum.testbed.e2e.harness;

import io.fulcrum.testbed.api.ApiResponse;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fulcrum as in production, for the end-to-end tests: a fresh PostgreSQL database, the control plane and
 * data-plane nodes, each a separate process started from the packaged jars, all stopped by their handles.
 */
public final class FulcrumCluster implements AutoCloseable {

    public static final String NODE_A = "node-a";
    public static final String NODE_B = "node-b";

    private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(15);

    private final Path workDir;
    private final Path controlPlaneJar;
    private final Path dataPlaneJar;
    private final TestDatabase database;
    private ControlPlaneProcess controlPlane;
    private final Map<String, DataPlaneNode> nodes = new LinkedHashMap<>();
    private final List<ManagedProcess> stoppedNodes = new ArrayList<>();

    private FulcrumCluster(Path workDir, Path controlPlaneJar, Path dataPlaneJar, TestDatabase database,
                           ControlPlaneProcess controlPlane) {
        this.workDir = workDir;
        this.controlPlaneJar = controlPlaneJar;
        this.dataPlaneJar = dataPlaneJar;
        this.database = database;
        this.controlPlane = controlPlane;
    }

    /** Starts the database, the control plane and both nodes, and waits until both nodes are connected. */
    public static FulcrumCluster start() {
        Path controlPlaneJar = packagedJar("fulcrum.controlPlane.jar");
        Path dataPlaneJar = packagedJar("fulcrum.dataPlane.jar");
        Path workDir = Path.of("target", "e2e", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
                .toAbsolutePath();
        TestDatabase database = TestDatabase.create();
        ControlPlaneProcess controlPlane;
        try {
            controlPlane = ControlPlaneProcess.start(controlPlaneJar, database, workDir);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        FulcrumCluster cluster = new FulcrumCluster(workDir, controlPlaneJar, dataPlaneJar, database, controlPlane);
        try {
            cluster.useNodes(NODE_A, NODE_B);
        } catch (RuntimeException | AssertionError e) {
            cluster.printLogs(System.err);
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static Path packagedJar(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("system property " + property + " is not set (the testbed pom sets it)");
        }
        Path jar = Path.of(value);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: package the planes first "
                    + "(./mvnw -B -DskipTests package from the repository root)");
        }
        return jar;
    }

    public FulcrumApi api() {
        return controlPlane.api();
    }

    public NodeSync sync() {
        return new NodeSync(api());
    }

    public Set<String> runningNodes() {
        return Set.copyOf(nodes.keySet());
    }

    /**
     * Runs exactly the named nodes: starts the missing ones, stops the others, and waits until the running
     * ones are connected and serve the current configuration version.
     */
    public void useNodes(String... ids) {
        // A test that stopped the control plane and failed before restarting it must not break the next one.
        restartControlPlane();
        List<String> wanted = List.of(ids);
        for (String id : List.copyOf(nodes.keySet())) {
            if (!wanted.contains(id)) {
                stopNode(id);
                decommission(id);
            }
        }
        for (String id : wanted) {
            if (!nodes.containsKey(id)) {
                nodes.put(id, DataPlaneNode.start(dataPlaneJar, id, controlPlane.grpcTarget(), workDir));
            }
        }
        sync().awaitApplied(wanted, sync().currentVersion(), Duration.ofSeconds(30));
    }

    /** Stops the control plane (TERM); nodes keep serving what they have. */
    public void stopControlPlane() {
        controlPlane.close();
    }

    /** Starts a stopped control plane again on the same ports and database, and waits until it is ready. */
    public void restartControlPlane() {
        if (!controlPlane.process().isAlive()) {
            controlPlane = controlPlane.restart(controlPlaneJar, database, workDir);
        }
    }

    /**
     * Stops the node and starts it again without waiting for the control plane: with the control plane down
     * it must come back serving the snapshot it cached on disk.
     */
    public void restartNode(String id) {
        stopNode(id);
        nodes.put(id, DataPlaneNode.start(dataPlaneJar, id, controlPlane.grpcTarget(), workDir));
    }

    /**
     * Forgets a stopped node, as an operator does with a node taken out for good: a registered node
     * stays in ?wait's count until then. Its stream's end may take a moment to register (409 meanwhile).
     */
    public void decommission(String id) {
        Poll.until(id + " decommissioned", Duration.ofSeconds(10), () -> {
            int status = api().delete("/api/v1/nodes/" + id).status();
            return status == 204 || status == 404;
        });
    }

    public void stopNode(String id) {
        DataPlaneNode node = nodes.remove(id);
        if (node != null) {
            node.close();
            stoppedNodes.add(node.process());
        }
    }

    /** Checks the write succeeded and waits until every running node applied the version it produced. */
    public long awaitApplied(ApiResponse write) {
        long version = write.requireSuccess().requireConfigVersion();
        sync().awaitApplied(nodes.keySet(), version, APPLY_TIMEOUT);
        return version;
    }

    public void printLogs(PrintStream out) {
        controlPlane.process().printTail(out, 80);
        nodes.values().forEach(node -> node.process().printTail(out, 60));
        stoppedNodes.forEach(process -> process.printTail(out, 20));
    }

    @Override
    public void close() {
        for (String id : List.copyOf(nodes.keySet())) {
            stopNode(id);
        }
        controlPlane.close();
        database.close();
    }
}
