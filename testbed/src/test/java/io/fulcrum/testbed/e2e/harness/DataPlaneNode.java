package io.fulcrum.testbed.e2e.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One data-plane node as a separate process, with its own state directory. */
public final class DataPlaneNode implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Path JVM_OPTIONS = Path.of(System.getProperty("fulcrum.repository", ".."))
            .resolve("deploy/jvm/data-plane.options").toAbsolutePath().normalize();

    private final String id;
    private final ManagedProcess process;

    private DataPlaneNode(String id, ManagedProcess process) {
        this.id = id;
        this.process = process;
    }

    public static DataPlaneNode start(Path jar, String id, String controlPlane, Path workDir) {
        return start(jar, id, controlPlane, workDir, List.of());
    }

    /** Starts with these extra command-line flags (e.g. the TLS files). */
    public static DataPlaneNode start(Path jar, String id, String controlPlane, Path workDir, List<String> flags) {
        return start(List.of(), jar, id, controlPlane, workDir, flags);
    }

    /** Starts under a command that runs it (e.g. {@code prlimit --nofile=1024:1024}), with extra flags. */
    public static DataPlaneNode start(List<String> runUnder, Path jar, String id, String controlPlane, Path workDir,
                                      List<String> flags) {
        Path stateDir = workDir.resolve("state-" + id);
        try {
            Files.createDirectories(stateDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new java.util.ArrayList<>(runUnder);
        // The deployment's JVM options (deploy/jvm/data-plane.options), as production starts a node.
        command.addAll(List.of(ManagedProcess.java(), "@" + JVM_OPTIONS, "-jar", jar.toString(),
                "--node-id", id, "--control-plane", controlPlane, "--state-dir", stateDir.toString()));
        // Cold starts unless a test asks otherwise: the suite starts nodes by the hundred, and each would
        // first spend up to the warm-up budget (covered in-process by ControlPlaneSyncTest and WarmUpTest).
        if (!flags.contains("--warm-up")) {
            command.addAll(List.of("--warm-up", "0s"));
        }
        command.addAll(flags);
        ManagedProcess process = ManagedProcess.start(id, command,
                Map.of(), workDir.resolve(id + ".log"));
        try {
            process.awaitOutput("fulcrum data plane node " + id + " started", START_TIMEOUT);
        } catch (RuntimeException | AssertionError e) {
            System.err.println(process.tail(60));
            process.close();
            throw e;
        }
        return new DataPlaneNode(id, process);
    }

    public String id() {
        return id;
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
