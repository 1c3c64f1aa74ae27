package io.fulcrum.testbed.e2e;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The keepalived files of deploy/keepalived are what keepalived itself accepts (its --config-test),
 * and the notify hook records each transition where operators and the node can read it.
 */
class KeepalivedConfigIT {
    private static final Path DEPLOY = Path.of(System.getProperty("fulcrum.repository", ".."), "deploy", "keepalived");

    @Test
    void keepalivedAcceptsThePairsConfigurationAndRefusesABrokenOne() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/keepalived")), "keepalived is not installed (Debian: keepalived)");
        Path work = Files.createTempDirectory("keepalived-config");
        // The deployment runs its track script as the node's own user; this machine may not have it.
        String config = Files.readString(DEPLOY.resolve("keepalived.conf")).replace("script_user fulcrum", "script_user nobody");
        Path good = Files.writeString(work.resolve("keepalived.conf"), config);
        assertEquals("", configTest(good), "keepalived --config-test on deploy/keepalived/keepalived.conf");
        Path broken = Files.writeString(work.resolve("broken.conf"), config.replace("track_script {", "track_scrip {"));
        assertTrue(configTest(broken).contains("track_scrip"), "a broken copy is reported, so the check can fail");
    }

    @Test
    void theNotifyHookRecordsEachTransition() throws Exception {
        Path state = Files.createTempDirectory("fulcrum-ha-state");
        ProcessBuilder hook = new ProcessBuilder("sh", DEPLOY.resolve("fulcrum-notify.sh").toString(),
                "INSTANCE", "fulcrum_vips", "MASTER", "150").redirectErrorStream(true);
        hook.environment().put("FULCRUM_HA_STATE_DIR", state.toString());
        Process process = hook.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        List<String> recorded = Files.readAllLines(state.resolve("vrrp-fulcrum_vips.state"));
        assertTrue(recorded.get(0).startsWith("MASTER "), recorded.toString());
    }

    @Test
    void theRollingRestartNeedsBothHostsAndTheAddressAndSaysSo() throws Exception {
        for (List<String> arguments : List.of(List.of("host-1"), List.of("host-1", "host-2"))) {
            List<String> command = new java.util.ArrayList<>(List.of("bash", DEPLOY.resolve("rolling-restart.sh").toString()));
            command.addAll(arguments);
            Process script = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(script.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(script.waitFor(10, TimeUnit.SECONDS));
            assertEquals(2, script.exitValue(), output);
            assertTrue(output.startsWith("rolling-restart: "), output);
        }
    }

    /** What keepalived says about the file: nothing when it is valid. */
    private static String configTest(Path config) throws IOException, InterruptedException {
        Process test = new ProcessBuilder("/usr/sbin/keepalived", "--config-test", "-f", config.toString())
                .redirectErrorStream(true).start();
        String output = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!test.waitFor(30, TimeUnit.SECONDS)) {
            test.destroyForcibly();
            throw new AssertionError("keepalived --config-test did not finish");
        }
        // keepalived 2.2 ends its config test with SIGTERM to itself; only what it printed counts.
        return output.replace("Terminated", "").strip();
    }
}
