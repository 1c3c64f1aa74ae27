package io.fulcrum.dataplane;

import io.fulcrum.dataplane.testing.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

// A child JVM that never prints its start line must fail the test, not hang the build.
@Timeout(60)
class DataPlaneProcessTest {
    @TempDir
    Path stateDir;

    @Test
    void badArgumentsPrintOneClearLineAndExitWithTwo() throws Exception {
        Process process = java("--node-id", "n1", "--control-plane", "nowhere").start();
        try {
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue());
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(output.startsWith("fulcrum data plane: --control-plane 'nowhere' (expected HOST:PORT[,HOST:PORT...])"),
                    output);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void startsWithoutAControlPlaneAndExitsCleanlyOnSigterm() throws Exception {
        Process process = java("--node-id", "n1", "--control-plane", "127.0.0.1:" + FreePorts.next(),
                "--state-dir", stateDir.toString()).start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            List<String> seen = new ArrayList<>();
            String line;
            while ((line = output.readLine()) != null && !line.equals("fulcrum data plane node n1 started")) {
                seen.add(line);
            }
            assertEquals("fulcrum data plane node n1 started", line, "output: " + seen);
            StringBuilder later = new StringBuilder();
            Thread reader = new Thread(() -> output.lines().forEach(more -> later.append(more).append('\n')));
            reader.start();
            // A few seconds without a control plane: several refused attempts, one line about them.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
            while (System.nanoTime() < until) {
                java.util.concurrent.locks.LockSupport.parkNanos(until - System.nanoTime());
            }
            process.destroy();
            assertTrue(process.waitFor(15, TimeUnit.SECONDS), "exits after SIGTERM");
            assertEquals(0, process.exitValue());
            reader.join(10_000);
            String rest = String.join("\n", seen) + "\n" + later;
            assertEquals(1, rest.split("control plane stream to ", -1).length - 1, rest);
            assertFalse(rest.contains("Exception\n") || rest.contains("\tat "), "no stack trace on SIGTERM:\n" + rest);
        } finally {
            process.destroyForcibly();
        }
    }

    private static ProcessBuilder java(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), DataPlaneMain.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }
}
