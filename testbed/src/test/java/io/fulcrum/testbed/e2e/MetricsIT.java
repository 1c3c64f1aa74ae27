package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.DemoServer;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.OneService;
import io.fulcrum.testbed.e2e.harness.Overview;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import io.fulcrum.testbed.e2e.harness.UdpClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Prometheus metrics on both planes after real traffic: the node's /metrics (on its --health-listen
 * port) counts the TCP connections and UDP datagrams a client sent through it, per virtual service
 * and real server, with health as a state set; the control plane's /q/metrics has the published
 * version, the nodes connected and behind, the push latency and the API's request latency by route
 * and status. Both pass {@code promtool check metrics} (Prometheus' own naming lint) where promtool
 * is installed.
 */
class MetricsIT {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final String NODE = "metrics-node";

    @Test
    void bothPlanesCountRealTrafficUnderPrometheusNames() throws Exception {
        Path work = Path.of("target", "e2e", "metrics-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        int metricsPort = FreePorts.on("127.0.0.1");
        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess controlPlane = ControlPlaneProcess.start(
                     Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work);
             NameServer tcpServer = NameServer.start("line-host", "127.0.0.57");
             DemoServer udpServer = DemoServer.start("udp-host", "127.0.0.58", work);
             DataPlaneNode node = DataPlaneNode.start(Path.of(System.getProperty("fulcrum.dataPlane.jar")), NODE,
                     controlPlane.grpcTarget(), work, List.of("--health-listen", "127.0.0.1:" + metricsPort,
                             "--report-interval", "200ms"))) {
            FulcrumApi api = controlPlane.api();
            InetSocketAddress tcp = OneService.serve(api, "MetricsTcp", tcpServer, List.of(NODE));
            int udpPort = DemoServer.freeTcpAndUdpPort(Specs.VIRTUAL_ADDRESS);
            ObjectNode udpService = Specs.virtualService("MetricsUdp", udpPort, "weighted-round-robin")
                    .put("protocol", "udp").put("layer", 4);
            udpService.putObject("healthCheck").put("type", "connect").put("interval", "500ms")
                    .put("port", udpServer.port());
            api.put(FulcrumApi.virtualService("MetricsUdp"), udpService).requireSuccess();
            long version = api.put(FulcrumApi.realServer("MetricsUdp", "udp-host"), udpServer.realServer(100))
                    .requireSuccess().requireConfigVersion();
            new NodeSync(api).awaitApplied(List.of(NODE), version, Duration.ofSeconds(30));
            Overview overview = new Overview(api);
            Poll.until("both real servers up", Duration.ofSeconds(10), () -> "up".equals(overview.health("MetricsTcp", "line-host"))
                    && "up".equals(overview.health("MetricsUdp", "udp-host")));

            for (int i = 0; i < 20; i++) {
                assertEquals("line-host", LineClient.askOnce("127.0.0." + (120 + i), tcp));
            }
            InetSocketAddress udp = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, udpPort);
            for (int i = 0; i < 10; i++) {
                assertEquals("udp-host", UdpClient.askOnce("127.0.7." + (150 + i), udp));
            }

            HttpClient http = HttpClient.newHttpClient();
            String tcpService = "{virtual_service=\"MetricsTcp\"}";
            String tcpReal = "{virtual_service=\"MetricsTcp\",real_server=\"line-host\"}";
            String udpLabels = "{virtual_service=\"MetricsUdp\"}";
            String fastChecks = "fulcrum_real_server_health_check_duration_seconds_bucket"
                    + "{virtual_service=\"MetricsTcp\",real_server=\"line-host\",le=\"0.1\"}";
            // The first check of a fresh node also loads and initialises the classes it runs through; the
            // next ones (every 2 s) time the connect alone.
            Map<String, Double> nodeMetrics = Poll.untilValue("the node's counters after the traffic, a check within 100 ms",
                    Duration.ofSeconds(10), () -> samples(get(http, "http://127.0.0.1:" + metricsPort + "/metrics")),
                    m -> m.getOrDefault("fulcrum_virtual_service_connections_total" + tcpService, 0.0) >= 20
                            && m.getOrDefault("fulcrum_virtual_service_connections" + tcpService, 1.0) == 0
                            && m.getOrDefault(fastChecks, 0.0) >= 1);
            assertEquals(20.0, nodeMetrics.get("fulcrum_real_server_connections_total" + tcpReal));
            assertTrue(nodeMetrics.get("fulcrum_virtual_service_received_bytes_total" + tcpService) >= 20 * 6.0, nodeMetrics.toString());
            assertTrue(nodeMetrics.get("fulcrum_real_server_received_bytes_total" + tcpReal) >= 20 * 10.0, nodeMetrics.toString());
            assertEquals(1.0, nodeMetrics.get("fulcrum_real_server_health{virtual_service=\"MetricsTcp\",real_server=\"line-host\",state=\"up\"}"));
            assertEquals(0.0, nodeMetrics.get("fulcrum_real_server_health{virtual_service=\"MetricsTcp\",real_server=\"line-host\",state=\"down\"}"));
            assertEquals(0.0, nodeMetrics.get("fulcrum_real_server_connect_failures_total" + tcpReal));
            assertEquals(0.0, nodeMetrics.get("fulcrum_virtual_service_retries_total" + tcpService));
            double checks = nodeMetrics.get("fulcrum_real_server_health_check_duration_seconds_count" + tcpReal);
            assertTrue(checks >= 1, "health checks timed: " + checks);
            assertEquals(checks, nodeMetrics.get("fulcrum_real_server_health_check_duration_seconds_bucket"
                    + "{virtual_service=\"MetricsTcp\",real_server=\"line-host\",le=\"+Inf\"}"));
            assertTrue(nodeMetrics.get(fastChecks) >= 1, "a connect check on loopback answers within 100 ms");
            assertEquals(10.0, nodeMetrics.get("fulcrum_virtual_service_received_datagrams_total" + udpLabels));
            assertEquals(10.0, nodeMetrics.get("fulcrum_virtual_service_sent_datagrams_total" + udpLabels));
            assertEquals(10.0, nodeMetrics.get("fulcrum_virtual_service_connections" + udpLabels), "live UDP flows");
            assertEquals(0.0, nodeMetrics.get("fulcrum_virtual_service_dropped_datagrams_total" + udpLabels));
            assertEquals((double) version, nodeMetrics.get("fulcrum_node_config_version"));
            assertEquals(1.0, nodeMetrics.get("fulcrum_node_control_plane_connected"));
            lint(get(http, "http://127.0.0.1:" + metricsPort + "/metrics"), "node");

            // The control plane: version, nodes, push latency, and the API's latency by route and status.
            String cpText = Poll.untilValue("the control plane's node gauges", Duration.ofSeconds(5),
                    () -> get(http, controlPlane.management().base() + "/q/metrics"),
                    text -> samples(text).getOrDefault("fulcrum_nodes_connected", 0.0) == 1.0);
            Map<String, Double> cp = samples(cpText);
            assertEquals((double) version, cp.get("fulcrum_config_version_published"));
            assertEquals(0.0, cp.get("fulcrum_nodes_behind"));
            assertTrue(cp.getOrDefault("fulcrum_push_latency_seconds_count", 0.0) >= 2, "pushes timed: " + cp.keySet().stream()
                    .filter(k -> k.startsWith("fulcrum_push")).toList());
            String putRoute = cp.keySet().stream().filter(k -> k.startsWith("http_server_requests_seconds_count{")
                    && k.contains("method=\"PUT\"") && k.contains("status=\"201\"")
                    && k.contains("uri=\"/api/v1/virtual-services/{name}\"")).findFirst().orElse(null);
            assertTrue(putRoute != null, "API latency by route and status: " + cp.keySet().stream()
                    .filter(k -> k.startsWith("http_server_requests_seconds_count")).toList());
            lint(cpText.lines().filter(line -> line.contains("fulcrum_")).collect(Collectors.joining("\n", "", "\n")),
                    "control plane");
            // Every metric the dashboard and the alert rules name is one the planes serve.
            java.util.Set<String> served = new java.util.HashSet<>();
            for (String series : java.util.stream.Stream.concat(nodeMetrics.keySet().stream(), cp.keySet().stream()).toList()) {
                served.add(series.replaceAll("\\{.*", "").replaceAll("_(bucket|count|sum|max)$", ""));
            }
            Path deploy = Path.of(System.getProperty("fulcrum.repository", "..")).resolve("deploy");
            for (Path file : List.of(deploy.resolve("grafana/fulcrum.json"), deploy.resolve("prometheus/fulcrum-alerts.yml"))) {
                java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\b(fulcrum_[a-z_]+|http_server_requests_seconds_[a-z]+)\\b")
                        .matcher(Files.readString(file));
                while (names.find()) {
                    String family = names.group(1).replaceAll("_(bucket|count|sum|max)$", "");
                    assertTrue(served.contains(family), file.getFileName() + " names " + names.group(1)
                            + ", which neither plane serves");
                }
            }
            System.out.println("node metrics: " + nodeMetrics.keySet().stream().map(k -> k.replaceAll("\\{.*", ""))
                    .distinct().sorted().toList());
            System.out.println("control-plane metrics: " + cp.keySet().stream().filter(k -> k.startsWith("fulcrum_"))
                    .map(k -> k.replaceAll("\\{.*", "")).distinct().sorted().toList());
        }
    }

    /** Series (name and labels, as printed) to value. */
    private static Map<String, Double> samples(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : text.lines().toList()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static String get(HttpClient http, String uri) {
        try {
            // Prometheus' classic text format (the control plane would answer OpenMetrics when asked for it).
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5))
                    .header("Accept", "text/plain; version=0.0.4").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), uri);
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), uri);
            return response.body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** promtool check metrics: Prometheus' own lint of names, units and types. */
    private static void lint(String text, String plane) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROMTOOL)) {
            System.out.println("promtool not installed (Debian: prometheus): the " + plane + "'s metrics were not linted");
            return;
        }
        Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(30, TimeUnit.SECONDS), "promtool did not finish");
        assertEquals(0, promtool.exitValue(), "promtool check metrics on the " + plane + "'s metrics:\n" + output);
    }
}
