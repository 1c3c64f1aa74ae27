package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/bin/fulcrum-data-plane, how a deployment starts a node: the first start of a build records the
 * build's AOT cache in a training run of the warm-up (nothing served meanwhile) and the node starts with
 * it; the next start loads it without training again.
 */
class DataPlaneLauncherIT {
    private static final Path LAUNCHER = Path.of("..", "deploy", "bin", "fulcrum-data-plane").toAbsolutePath().normalize();
    private static final String STARTED = "fulcrum data plane node n1 started";

    @TempDir
    Path work;

    @Test
    void theFirstStartOfABuildRecordsItsAotCacheAndTheNextStartLoadsIt() throws Exception {
        Path state = work.resolve("state");
        List<String> command = nodeCommand(state);
        Map<String, String> env = launcherEnvironment(Map.of());

        Path cache;
        try (ManagedProcess first = ManagedProcess.start("n1", command, env, work.resolve("first.log"))) {
            first.awaitOutput(STARTED, Duration.ofSeconds(120));
            assertEquals(1, first.linesContaining("recording the AOT cache of this build"), first.tail(40));
            assertEquals(1, first.linesContaining("AOT cache recorded"), first.tail(40));
            cache = onlyCache(state);
            assertTrue(Files.size(cache) > 0);
            assertTrue(arguments(first).contains("-XX:AOTCache=" + cache), arguments(first).toString());
        }
        try (ManagedProcess second = ManagedProcess.start("n1", command, env, work.resolve("second.log"))) {
            second.awaitOutput(STARTED, Duration.ofSeconds(60));
            assertEquals(0, second.linesContaining("recording the AOT cache"), second.tail(40));
            assertTrue(arguments(second).contains("-XX:AOTCache=" + cache), arguments(second).toString());
            assertEquals(cache, onlyCache(state));
        }
    }

    /**
     * Flags under which the JVM cannot start with the cache the training run recorded (a young generation
     * that leaves the initial heap no room for the cache's archived objects): the launcher finds out once,
     * before any start relies on the cache, and the node starts without one instead of failing every start.
     */
    @Test
    void aCacheTheJvmCannotStartWithIsNotUsedAndTheNodeStartsWithoutOne() throws Exception {
        Path state = work.resolve("state");
        List<String> command = nodeCommand(state);
        Map<String, String> env = launcherEnvironment(Map.of("FULCRUM_JVM_FLAGS", "-Xmn300m -Xmx512m"));
        for (String start : List.of("first", "second")) {
            try (ManagedProcess node = ManagedProcess.start("n1", command, env, work.resolve(start + ".log"))) {
                node.awaitOutput(STARTED, Duration.ofSeconds(120));
                assertEquals(start.equals("first") ? 1 : 0, node.linesContaining("cannot start with the recorded AOT cache"),
                        node.tail(40));
                assertEquals(0, node.linesContaining("AOT cache recorded"), node.tail(40));
                assertTrue(arguments(node).stream().noneMatch(argument -> argument.startsWith("-XX:AOTCache=")),
                        arguments(node).toString());
            }
        }
        try (Stream<Path> files = Files.list(state)) {
            List<String> names = files.map(file -> file.getFileName().toString()).filter(name -> name.contains(".aot")).toList();
            assertEquals(1, names.size(), names.toString());
            assertTrue(names.get(0).endsWith(".aot.failed"), names.toString());
        }
    }

    /** A typo in the node's flags is the node's to report; it does not mark the build as untrainable. */
    @Test
    void badArgumentsAreReportedByTheNodeAndLeaveNoMarkOnTheBuild() throws Exception {
        Path state = work.resolve("state");
        List<String> command = List.of(LAUNCHER.toString(), "--node-id", "n1", "--control-plane", "127.0.0.1:1",
                "--state-dir", state.toString(), "--no-such-option", "x");
        Map<String, String> env = Map.of("FULCRUM_JAVA", ManagedProcess.java(),
                "FULCRUM_DATA_PLANE_JAR", System.getProperty("fulcrum.dataPlane.jar"));
        try (ManagedProcess bad = ManagedProcess.start("n1", command, env, work.resolve("bad.log"))) {
            assertEquals(2, bad.awaitExit(Duration.ofSeconds(60)), bad.tail(20));
            assertTrue(bad.output().contains("unknown option --no-such-option"), bad.tail(20));
        }
        try (Stream<Path> files = Files.list(state)) {
            assertTrue(files.noneMatch(file -> file.getFileName().toString().contains(".aot")), "a cache or marker was left");
        }
    }

    /** A node started through the launcher, without warm-up. No control plane answers at its address: it starts all the same and keeps trying. */
    private static List<String> nodeCommand(Path state) {
        return List.of(LAUNCHER.toString(), "--node-id", "n1", "--control-plane", "127.0.0.1:" + FreePorts.on("127.0.0.1"),
                "--state-dir", state.toString(), "--warm-up", "0s");
    }

    /** The build under test and a short training run, plus {@code more}. */
    private static Map<String, String> launcherEnvironment(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of("FULCRUM_JAVA", ManagedProcess.java(),
                "FULCRUM_DATA_PLANE_JAR", System.getProperty("fulcrum.dataPlane.jar"), "FULCRUM_AOT_TRAINING", "3s"));
        env.putAll(more);
        return env;
    }

    /** The JVM's command line: the launcher replaced itself with it. */
    private static List<String> arguments(ManagedProcess process) {
        return ProcessHandle.of(process.pid()).flatMap(handle -> handle.info().arguments()).map(List::of).orElseThrow();
    }

    private static Path onlyCache(Path state) throws IOException {
        try (Stream<Path> files = Files.list(state)) {
            List<Path> caches = files.filter(file -> file.getFileName().toString().matches("data-plane-[0-9a-f]{16}\\.aot"))
                    .toList();
            assertEquals(1, caches.size(), caches.toString());
            return caches.get(0);
        }
    }
}
