package io.fulcrum.testbed.e2e.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Starts a testbed tool from the packaged testbed jar, exactly as deploy/local/run.sh does. */
public final class TestbedTool {

    private static final Path TESTBED_JAR = Path.of("target", "fulcrum-testbed.jar").toAbsolutePath();

    private TestbedTool() {
    }

    public static ManagedProcess start(String name, Class<?> main, Path log, String... args) {
        return start(List.of(), name, main, log, args);
    }

    /** Starts under a command that runs it, e.g. {@code ip netns exec NAME} (see {@link PairNetwork#in}). */
    public static ManagedProcess start(List<String> runUnder, String name, Class<?> main, Path log, String... args) {
        if (!Files.isRegularFile(TESTBED_JAR)) {
            throw new IllegalStateException(TESTBED_JAR + " is missing: the package phase builds it");
        }
        List<String> command = new ArrayList<>(runUnder);
        command.addAll(List.of(ManagedProcess.java(), "-Xmx128m", "-cp", TESTBED_JAR.toString(), main.getName()));
        command.addAll(List.of(args));
        return ManagedProcess.start(name, command, Map.of(), log);
    }
}
