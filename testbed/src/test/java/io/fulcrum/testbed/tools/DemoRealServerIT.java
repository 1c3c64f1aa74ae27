package io.fulcrum.testbed.tools;

import io.fulcrum.testbed.demo.DemoRealServer;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.ManagedProcess;
import io.fulcrum.testbed.e2e.harness.TestbedTool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The demo real server answers on every address it listens on with its name and the address:port that took the request. */
class DemoRealServerIT {

    @TempDir
    Path work;

    @Test
    void answersWithItsNameAndTheListenerThatTookTheRequest() throws Exception {
        int first = FreePorts.on("127.0.0.29");
        int second = FreePorts.on("127.0.0.29");
        try (ManagedProcess server = TestbedTool.start("demo", DemoRealServer.class, work.resolve("demo.log"),
                "--name", "RAS_Server9", "--listen", "127.0.0.29:" + first, "--listen", "127.0.0.29:" + second)) {
            server.awaitOutput("listening", Duration.ofSeconds(20));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int port : new int[] {first, second, first}) {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.29:" + port + "/any/path")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                assertEquals("RAS_Server9 127.0.0.29:" + port + "\n", response.body());
                assertEquals("RAS_Server9", response.headers().firstValue("X-Real-Server").orElse(null));
            }
        }
    }

    @Test
    void answersEachDatagramWithItsNameTheListenerAndThePayload() throws Exception {
        int port = FreePorts.on("127.0.0.29");
        try (ManagedProcess server = TestbedTool.start("demo-udp", DemoRealServer.class, work.resolve("demo-udp.log"),
                "--name", "RAS_Server9", "--listen", "127.0.0.29:" + port);
             DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.30", 0))) {
            server.awaitOutput("listening", Duration.ofSeconds(20));
            client.setSoTimeout(5_000);
            for (String payload : new String[] {"hello\n", "second"}) {
                byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
                client.send(new DatagramPacket(bytes, bytes.length, new InetSocketAddress("127.0.0.29", port)));
                DatagramPacket reply = new DatagramPacket(new byte[512], 512);
                client.receive(reply);
                assertEquals("RAS_Server9 127.0.0.29:" + port + " " + payload.strip() + "\n",
                        new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
                assertEquals(new InetSocketAddress("127.0.0.29", port), reply.getSocketAddress());
            }
        }
    }
}
