package io.fulcrum.dataplane.health;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The unprivileged ping socket path: a JVM started inside a network namespace of our own whose
 * net.ipv4.ping_group_range admits every group pings its loopback through a SOCK_DGRAM socket.
 */
class PingSocketTest {
    private static final String NAMESPACE = "fulcrum-pingsock-" + ThreadLocalRandom.current().nextInt(1, 100_000);
    private static boolean ready;

    @BeforeAll
    static void createNamespace() throws IOException {
        ready = run(List.of("ip", "netns", "add", NAMESPACE)).exit == 0
                && run(List.of("ip", "netns", "exec", NAMESPACE, "ip", "link", "set", "lo", "up")).exit == 0
                && run(List.of("ip", "netns", "exec", NAMESPACE, "sysctl", "-w",
                "net.ipv4.ping_group_range=0 2147483647")).exit == 0;
    }

    @AfterAll
    static void deleteNamespace() throws IOException {
        run(List.of("ip", "netns", "del", NAMESPACE));
    }

    @Test
    void aPingSocketIsUsedWhenTheGroupRangeAllowsIt() throws IOException {
        assumeTrue(ready, "skipped: ip netns is unavailable or not permitted here");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Outcome outcome = run(List.of("ip", "netns", "exec", NAMESPACE, java, "-cp",
                System.getProperty("java.class.path"), PingFromNamespace.class.getName()));
        assertEquals(0, outcome.exit, outcome.output);
        assertTrue(outcome.output.contains("kind=ping socket success=true detail=echo reply"), outcome.output);
    }

    private record Outcome(int exit, String output) {
    }

    private static Outcome run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Outcome(-1, "timed out: " + command);
            }
            return new Outcome(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(-1, "interrupted");
        }
    }
}
