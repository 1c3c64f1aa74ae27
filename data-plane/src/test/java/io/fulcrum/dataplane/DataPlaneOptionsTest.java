package io.fulcrum.dataplane;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's TLS settings: all three files or none, and the node id is the certificate's. */
class DataPlaneOptionsTest {

    @TempDir
    static Path pki;

    /** Certificates as the local run command makes them (deploy/local/pki.sh). */
    @BeforeAll
    static void makeCertificates() throws Exception {
        Process script = new ProcessBuilder("bash", Path.of("..", "deploy", "local", "pki.sh").toString(),
                pki.toString(), "node-7").redirectErrorStream(true).start();
        String output = new String(script.getInputStream().readAllBytes());
        assertTrue(script.waitFor(60, TimeUnit.SECONDS), "pki.sh did not finish");
        assertEquals(0, script.exitValue(), output);
    }

    private static String[] args(String... extra) {
        List<String> all = new java.util.ArrayList<>(List.of("--control-plane", "127.0.0.1:9090", "--state-dir", "/tmp/x"));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    private static String[] tls(String... extra) {
        List<String> all = new java.util.ArrayList<>(List.of(
                "--tls-ca", pki.resolve("ca.crt").toString(),
                "--tls-cert", pki.resolve("nodes/node-7.crt").toString(),
                "--tls-key", pki.resolve("nodes/node-7.key").toString()));
        all.addAll(List.of(extra));
        return args(all.toArray(String[]::new));
    }

    @Test
    void withTlsTheNodeIdIsTheCertificates() {
        DataPlaneOptions options = DataPlaneOptions.parse(tls(), Map.of());
        assertEquals("node-7", options.nodeId());
        assertTrue(options.tls().isPresent());
    }

    @Test
    void aNodeIdThatRepeatsTheCertificatesIsAccepted() {
        assertEquals("node-7", DataPlaneOptions.parse(tls("--node-id", "node-7"), Map.of()).nodeId());
    }

    @Test
    void aNodeIdOtherThanTheCertificatesIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> DataPlaneOptions.parse(tls("--node-id", "node-8"), Map.of()));
        assertTrue(refused.getMessage().contains("'node-7'"), refused.getMessage());
    }

    @Test
    void theTlsFilesGoTogether() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> DataPlaneOptions.parse(
                args("--tls-ca", pki.resolve("ca.crt").toString(), "--node-id", "n"), Map.of()));
        assertTrue(refused.getMessage().contains("go together"), refused.getMessage());
    }

    @Test
    void aMissingTlsFileIsNamed() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> DataPlaneOptions.parse(
                args("--tls-ca", pki.resolve("missing.crt").toString(),
                        "--tls-cert", pki.resolve("nodes/node-7.crt").toString(),
                        "--tls-key", pki.resolve("nodes/node-7.key").toString()), Map.of()));
        assertTrue(refused.getMessage().contains("missing.crt"), refused.getMessage());
    }

    @Test
    void theTlsFilesMayComeFromTheEnvironment() {
        DataPlaneOptions options = DataPlaneOptions.parse(args(), Map.of(
                "FULCRUM_TLS_CA", pki.resolve("ca.crt").toString(),
                "FULCRUM_TLS_CERT", pki.resolve("nodes/node-7.crt").toString(),
                "FULCRUM_TLS_KEY", pki.resolve("nodes/node-7.key").toString()));
        assertEquals("node-7", options.nodeId());
    }

    @Test
    void withoutTlsANodeIdIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> DataPlaneOptions.parse(args(), Map.of()));
        assertTrue(DataPlaneOptions.parse(args("--node-id", "n"), Map.of()).tls().isEmpty());
        assertTrue(Files.exists(pki.resolve("ca.crt")));
    }

    @Test
    void udpSocketBuffersDefaultToFourAndOneMebibytesAndTakeBinaryUnits() {
        DataPlaneOptions defaults = DataPlaneOptions.parse(args("--node-id", "n"), Map.of());
        assertEquals(4 << 20, defaults.udpBuffers().serviceBytes());
        assertEquals(1 << 20, defaults.udpBuffers().flowBytes());
        DataPlaneOptions given = DataPlaneOptions.parse(
                args("--node-id", "n", "--udp-service-buffer", "16MiB", "--udp-flow-buffer", "262144"), Map.of());
        assertEquals(16 << 20, given.udpBuffers().serviceBytes());
        assertEquals(256 << 10, given.udpBuffers().flowBytes());
    }

    @Test
    void udpSocketBuffersOutsideTheirBoundsOrUnitsAreRefusedByName() {
        for (String bad : List.of("32KiB", "257MiB", "1GiB", "4mb", "-1", "4 MiB", "99999999999")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> DataPlaneOptions.parse(
                    args("--node-id", "n", "--udp-flow-buffer", bad), Map.of()), bad);
            assertTrue(refused.getMessage().contains("udp-flow-buffer") || refused.getMessage().contains("not a size"),
                    refused.getMessage());
        }
    }

    @Test
    void severalControlPlaneInstancesAreTakenInOrderAndBadListsAreRefused() {
        DataPlaneOptions options = DataPlaneOptions.parse(new String[] {"--node-id", "n", "--state-dir", "/tmp/x",
                "--control-plane", "cp1:9090,cp2:9090"}, Map.of());
        assertEquals(List.of("cp1:9090", "cp2:9090"), options.controlPlanes());
        for (String bad : List.of("cp1:9090,", "cp1:9090,cp1:9090", "cp1", "cp1:70000", "a b:1",
                String.join(",", java.util.Collections.nCopies(17, "x:1")))) {
            assertThrows(IllegalArgumentException.class, () -> DataPlaneOptions.parse(new String[] {"--node-id", "n",
                    "--state-dir", "/tmp/x", "--control-plane", bad}, Map.of()), bad);
        }
    }

    @Test
    void theHealthEndpointTakesAnIpAndAPortAndIsOffByDefault() {
        String[] base = {"--node-id", "n", "--state-dir", "/tmp/x", "--control-plane", "cp1:9090"};
        assertTrue(DataPlaneOptions.parse(base, Map.of()).healthListen().isEmpty());
        List<String> withFlag = new java.util.ArrayList<>(List.of(base));
        withFlag.addAll(List.of("--health-listen", "127.0.0.1:9110"));
        assertEquals(9110, DataPlaneOptions.parse(withFlag.toArray(String[]::new), Map.of()).healthListen().get().getPort());
        withFlag.set(withFlag.size() - 1, "[::1]:9110");
        assertTrue(DataPlaneOptions.parse(withFlag.toArray(String[]::new), Map.of()).healthListen().isPresent());
        for (String bad : List.of("localhost:9110", "127.0.0.1", "127.0.0.1:65536", ":9110", "127.0.0.1:x")) {
            withFlag.set(withFlag.size() - 1, bad);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> DataPlaneOptions.parse(withFlag.toArray(String[]::new), Map.of()), bad);
            assertTrue(refused.getMessage().contains("--health-listen"), refused.getMessage());
        }
    }

    @Test
    void peersNeedTheNodeCertificatesAndListThisNode() {
        String line = "node-7=198.18.0.11:7778,node-8=198.18.0.12:7778";
        DataPlaneOptions options = DataPlaneOptions.parse(tls("--peers", line), Map.of());
        assertEquals(List.of("node-8"), options.peers().orElseThrow().others().stream().map(p -> p.nodeId()).toList());
        assertTrue(DataPlaneOptions.parse(tls(), Map.of()).peers().isEmpty(), "off by default");
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> DataPlaneOptions.parse(args("--node-id", "node-7", "--peers", line), Map.of()));
        assertTrue(plain.getMessage().contains("TLS"), plain.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DataPlaneOptions.parse(tls("--peers", "node-8=198.18.0.12:7778,node-9=198.18.0.13:7778"), Map.of()));
    }

    @Test
    void theStopTimingsAndTheReportIntervalHaveBoundsAndDefaults() {
        DataPlaneOptions defaults = DataPlaneOptions.parse(args("--node-id", "n"), Map.of());
        assertEquals(StopTimings.DEFAULT, defaults.stop());
        assertEquals(java.time.Duration.ofSeconds(1), defaults.reportInterval());
        DataPlaneOptions given = DataPlaneOptions.parse(
                args("--node-id", "n", "--stop-delay", "5s", "--shutdown-grace", "0s", "--report-interval", "100ms"), Map.of());
        assertEquals(new StopTimings(java.time.Duration.ofSeconds(5), java.time.Duration.ZERO), given.stop());
        Map<String, List<String>> refused = Map.of(
                "stop-delay", List.of("61s", "2m", "-1s", "5", "1d", "99999999999999999999h"),
                "shutdown-grace", List.of("11m", "1h", "x", "9223372036854775807h"),
                "report-interval", List.of("0ms", "9ms", "2m", "1.5s"));
        refused.forEach((flag, values) -> {
            for (String bad : values) {
                IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                        () -> DataPlaneOptions.parse(args("--node-id", "n", "--" + flag, bad), Map.of()), flag + " " + bad);
                assertTrue(error.getMessage().startsWith("--" + flag + " '"), error.getMessage());
            }
        });
    }

    @Test
    void theWarmUpBudgetDefaultsToThreeSecondsAndIsBounded() {
        assertEquals(java.time.Duration.ofSeconds(3), DataPlaneOptions.parse(args("--node-id", "n"), Map.of()).warmUp());
        assertEquals(java.time.Duration.ZERO,
                DataPlaneOptions.parse(args("--node-id", "n", "--warm-up", "0s"), Map.of()).warmUp());
        assertEquals(java.time.Duration.ofMinutes(1),
                DataPlaneOptions.parse(args("--node-id", "n", "--warm-up=1m"), Map.of()).warmUp());
        for (String bad : List.of("61s", "-1s", "3", "soon", "1.5s", "")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> DataPlaneOptions.parse(args("--node-id", "n", "--warm-up", bad), Map.of()), bad);
            assertTrue(error.getMessage().startsWith("--warm-up '"), error.getMessage());
        }
    }

    @Test
    void theWarmUpOnlyRunIsAskedForByYesAndNothingElse() {
        assertFalse(DataPlaneOptions.parse(args("--node-id", "n"), Map.of()).warmUpOnly());
        assertTrue(DataPlaneOptions.parse(args("--node-id", "n", "--warm-up-only", "yes"), Map.of()).warmUpOnly());
        assertFalse(DataPlaneOptions.parse(args("--node-id", "n", "--warm-up-only=no"), Map.of()).warmUpOnly());
        for (String bad : List.of("1", "true", "YES", "")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> DataPlaneOptions.parse(args("--node-id", "n", "--warm-up-only", bad), Map.of()), bad);
            assertTrue(error.getMessage().startsWith("--warm-up-only '"), error.getMessage());
        }
    }
}
