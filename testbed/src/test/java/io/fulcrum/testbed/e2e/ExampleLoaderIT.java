package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.Json;
import io.fulcrum.testbed.demo.DemoRealServer;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import io.fulcrum.testbed.e2e.harness.TestbedTool;
import io.fulcrum.testbed.e2e.harness.UdpClient;
import io.fulcrum.testbed.loader.ExampleLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local run path: the RAS loopback example, loaded by the example loader, serves HTTP (and UDP for
 * RAS-SG-UDP) from the demo real servers through both nodes with port following, and loading it again
 * changes nothing. The example's ports (8443, 8880) are swapped for free ones so a running local Fulcrum
 * is not disturbed.
 */
@ExtendWith(ClusterExtension.class)
class ExampleLoaderIT {

    private static final Path EXAMPLE = Path.of("..", "deploy", "examples", "ras-loopback.json");
    private static final String[] REAL_SERVER_ADDRESSES = {"127.0.0.21", "127.0.0.22"};

    @TempDir
    Path work;

    private FulcrumCluster cluster;
    private final List<ManagedProcess> demoServers = new ArrayList<>();
    private final List<String> loadedServices = new ArrayList<>();

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
    }

    @AfterEach
    void cleanUp() {
        loadedServices.forEach(name -> cluster.api().delete(FulcrumApi.virtualService(name)));
        demoServers.forEach(ManagedProcess::close);
    }

    @Test
    void exampleServesThroughTheNodesAndReloadingChangesNothing() throws Exception {
        ObjectNode document = (ObjectNode) Json.parse(Files.readString(EXAMPLE));
        List<Integer> ports = new ArrayList<>();
        List<Integer> udpPorts = new ArrayList<>();
        // One free port per example port, so RAS-SG-UDP keeps sharing its port with RAS-SG-HTTPS.
        Map<Integer, Integer> portFor = new HashMap<>();
        for (JsonNode virtualService : document.get("virtualServices")) {
            int port = portFor.computeIfAbsent(virtualService.get("ports").get(0).asInt(), example -> portFreeOnAll());
            if (!ports.contains(port)) {
                ports.add(port);
            }
            if ("udp".equals(virtualService.path("protocol").asText())) {
                udpPorts.add(port);
            }
            ((ArrayNode) virtualService.get("ports")).removeAll().add(port);
            loadedServices.add(virtualService.get("name").asText());
        }
        Path example = work.resolve("example.json");
        Files.writeString(example, Json.write(document));
        startDemoServers(ports);

        String firstRun = load(example, "first");
        assertEquals(9, count(firstRun, " created (version "), firstRun);
        assertTrue(firstRun.contains("warning: real server 127.0.0.21:"), "the layer-7/layer-4 mix is pointed out: " + firstRun);
        long version = cluster.sync().currentVersion();

        String secondRun = load(example, "second");
        assertEquals(9, count(secondRun, " unchanged (version "), secondRun);
        assertEquals(version, cluster.sync().currentVersion(), "a second load bumps no version");

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int port : udpPorts) {
            String answer = UdpClient.askOnce("127.0.0.77", new InetSocketAddress("127.0.0.10", port));
            assertTrue(answer.matches("RAS_Server[12]"), answer);
        }
        for (int port : ports) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.10:" + port + "/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            // Port following: the real server is reached on the port the client connected to.
            assertTrue(response.body().matches("RAS_Server[12] 127\\.0\\.0\\.2[12]:" + port + "\n"), response.body());
        }
    }

    private String load(Path example, String run) {
        Path token = work.resolve("admin.token");
        try {
            java.nio.file.Files.writeString(token, cluster.api().token());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ManagedProcess loader = TestbedTool.start("example-loader-" + run, ExampleLoader.class, work.resolve("loader-" + run + ".log"),
                "--api", cluster.api().base().toString(), "--file", example.toString(), "--token-file", token.toString(),
                "--await-node", FulcrumCluster.NODE_A, "--await-node", FulcrumCluster.NODE_B);
        int exit = loader.awaitExit(Duration.ofSeconds(90));
        assertEquals(0, exit, loader.output());
        return loader.output();
    }

    private void startDemoServers(List<Integer> ports) {
        for (int i = 0; i < REAL_SERVER_ADDRESSES.length; i++) {
            List<String> args = new ArrayList<>(List.of("--name", "RAS_Server" + (i + 1)));
            for (int port : ports) {
                args.addAll(List.of("--listen", REAL_SERVER_ADDRESSES[i] + ":" + port));
            }
            ManagedProcess server = TestbedTool.start("RAS_Server" + (i + 1), DemoRealServer.class,
                    work.resolve("demo-" + (i + 1) + ".log"), args.toArray(String[]::new));
            demoServers.add(server);
            server.awaitOutput("listening", Duration.ofSeconds(20));
        }
    }

    /** A port free on the virtual address and on both real server addresses (port following needs the same one). */
    private static int portFreeOnAll() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = FreePorts.on("127.0.0.10");
            if (freeOn(REAL_SERVER_ADDRESSES[0], port) && freeOn(REAL_SERVER_ADDRESSES[1], port)) {
                return port;
            }
        }
        throw new IllegalStateException("no port free on 127.0.0.10, .21 and .22 after 50 tries");
    }

    private static boolean freeOn(String address, int port) {
        try (ServerSocket probe = new ServerSocket();
             DatagramSocket udpProbe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), port))) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(address), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static int count(String text, String needle) {
        return (int) text.lines().filter(line -> line.contains(needle)).count();
    }
}
