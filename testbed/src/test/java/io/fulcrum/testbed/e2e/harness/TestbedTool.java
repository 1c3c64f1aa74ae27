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
        if (!Files.isRegularFile(TESTBED_JAR)) {
            throw new IllegalStateException(TESTBED_JAR + " is missing: the package phase builds it");
        }
        List<String> command = new ArrayList<>(List.of(ManagedProcess.java(), "-cp", TESTBED_JAR.toString(), main.getName()));
        command.addAll(List.of(args));
        return ManagedProcess.start(name, command, Map.of(), log);
    }
}
