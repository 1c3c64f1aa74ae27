package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.OneService;
import io.fulcrum.testbed.e2e.harness.Overview;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM to a node with {@code --shutdown-grace 1s} while 20 clients are connected, half of them
 * idle and half still asking: each connection keeps working through the grace period, then ends
 * with the node's FIN (end of stream, never a reset), and the node exits 0.
 */
class GracefulStopIT {
    private static final int CLIENTS = 20;
    private static final Duration GRACE = Duration.ofSeconds(1);

    @Test
    void connectionsOpenAtTheDeadlineEndWithFinNotReset() throws Exception {
        Path work = Path.of("target", "e2e", "stop-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        Path controlPlaneJar = Path.of(System.getProperty("fulcrum.controlPlane.jar"));
        Path dataPlaneJar = Path.of(System.getProperty("fulcrum.dataPlane.jar"));
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess controlPlane = ControlPlaneProcess.start(controlPlaneJar, database, work);
             NameServer server = NameServer.start("rdp-host", "127.0.0.48");
             DataPlaneNode node = DataPlaneNode.start(dataPlaneJar, "stop-node", controlPlane.grpcTarget(), work,
                     List.of("--shutdown-grace", "1s"))) {
            FulcrumApi api = controlPlane.api();
            InetSocketAddress target = OneService.serve(api, "Sessions", server, List.of("stop-node"));
            LineClient.askOnce("127.0.0.160", target);

            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (161 + i)), 0));
                    socket.connect(target, 3_000);
                    socket.setSoTimeout(10_000);
                    sockets.add(socket);
                }
                List<Future<Ending>> endings = new ArrayList<>();
                for (int i = 0; i < CLIENTS; i++) {
                    Socket socket = sockets.get(i);
                    boolean asking = i % 2 == 0;
                    endings.add(clients.submit(() -> untilTheEnd(socket, asking)));
                }
                Overview overview = new Overview(api);
                Poll.until("every client on the node", Duration.ofSeconds(10),
                        () -> overview.virtualService("Sessions").path("connections").asLong() >= CLIENTS);
                long stoppedAt = System.nanoTime();
                node.process().terminate();

                int fins = 0;
                long firstEndMillis = Long.MAX_VALUE;
                long lastEndMillis = 0;
                long answersDuringGrace = 0;
                for (Future<Ending> future : endings) {
                    Ending ending = future.get(15, TimeUnit.SECONDS);
                    assertTrue(ending.fin(), "a client saw " + ending.failure() + " instead of the node's FIN");
                    fins++;
                    long endedAfter = (ending.atNanos() - stoppedAt) / 1_000_000;
                    firstEndMillis = Math.min(firstEndMillis, endedAfter);
                    lastEndMillis = Math.max(lastEndMillis, endedAfter);
                    answersDuringGrace += ending.answersAfter(stoppedAt);
                }
                int exit = node.process().awaitExit(Duration.ofSeconds(15));
                System.out.println("graceful stop: " + fins + " of " + CLIENTS + " connections ended with FIN, 0 resets,"
                        + " between " + firstEndMillis + " and " + lastEndMillis + " ms after SIGTERM (grace "
                        + GRACE.toMillis() + " ms); " + answersDuringGrace + " answers during the grace; exit " + exit);
                assertEquals(CLIENTS, fins);
                assertEquals(0, exit, node.process().tail(20));
                assertTrue(firstEndMillis >= GRACE.toMillis() - 100, "connections kept their grace: " + firstEndMillis);
                assertTrue(answersDuringGrace > 0, "asking clients were still answered during the grace");
                assertEquals(1, node.process().linesContaining("still open at the deadline"), node.process().tail(20));
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /**
     * With {@code --stop-delay} a SIGTERM first quiesces the listener: a new connection is neither taken
     * nor refused (its SYN is dropped, so the client's TCP retries it, and reaches the peer once the
     * address moved), while a connection open before goes on. 200 ms later (what was accepted just
     * before is answered meanwhile) the health endpoint turns to 503 (draining), which is what makes
     * keepalived move the addresses. Here the host keeps its loopback address, so that lasts the whole
     * delay; then the listener closes and a new connection is refused.
     */
    @Test
    void withAStopDelayTheNodeReportsDrainingAndNewConnectionsWaitForTheDelay() throws Exception {
        Path work = Path.of("target", "e2e", "stop-delay-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        int healthPort = FreePorts.on("127.0.0.1");
        // Long enough that, after the 503 is seen (within a second on a busy machine), new connections wait
        // through several 200 ms attempts before the listener closes.
        Duration stopDelay = Duration.ofSeconds(3);
        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess controlPlane = ControlPlaneProcess.start(
                     Path.of(System.getProperty("fulcrum.controlPlane.jar")), database, work);
             NameServer server = NameServer.start("rdp-host", "127.0.0.49");
             DataPlaneNode node = DataPlaneNode.start(Path.of(System.getProperty("fulcrum.dataPlane.jar")), "delay-node",
                     controlPlane.grpcTarget(), work, List.of("--stop-delay", stopDelay.toSeconds() + "s",
                             "--shutdown-grace", "5s", "--health-listen", "127.0.0.1:" + healthPort))) {
            InetSocketAddress target = OneService.serve(controlPlane.api(), "Sessions", server, List.of("delay-node"));
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + healthPort + "/health");
            Poll.until("the node healthy", Duration.ofSeconds(10), () -> status(http, health) == 200);
            try (LineClient open = LineClient.connect("127.0.0.150", target)) {
                assertEquals("rdp-host", open.ask());

                long stoppedAt = System.nanoTime();
                node.process().terminate();
                Poll.until("the health endpoint reports draining", Duration.ofSeconds(2), () -> status(http, health) == 503);
                long drainingAfterMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
                assertTrue(drainingAfterMillis >= 200, "draining reported " + drainingAfterMillis + " ms after SIGTERM");
                int waited = 0;
                int answeredWhileDraining = 0;
                long refusedAfterMillis = -1;
                for (int attempt = 0; attempt < 100 && refusedAfterMillis < 0; attempt++) {
                    try (Socket socket = new Socket()) {
                        socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.151"), 0));
                        socket.connect(target, 200);
                        throw new AssertionError("a new connection was taken while draining");
                    } catch (SocketTimeoutException neitherTakenNorRefused) {
                        waited++;
                    } catch (java.net.ConnectException refused) {
                        refusedAfterMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
                    }
                    if (refusedAfterMillis < 0 && "rdp-host".equals(open.ask())) {
                        answeredWhileDraining++;
                    }
                }
                System.out.println("stop delay " + stopDelay.toMillis() + " ms: health 503 after " + drainingAfterMillis
                        + " ms, " + waited
                        + " new connections neither taken nor refused while draining, the open one answered "
                        + answeredWhileDraining + " times; listener closed " + refusedAfterMillis + " ms after SIGTERM");
                assertTrue(waited >= 5, "new connections waited while draining: " + waited);
                assertEquals(waited, answeredWhileDraining, "the open connection answered throughout");
                assertTrue(refusedAfterMillis >= stopDelay.toMillis() - 100, "closed after " + refusedAfterMillis + " ms");
            }
            assertEquals(0, node.process().awaitExit(Duration.ofSeconds(15)), node.process().tail(20));
            assertEquals(1, node.process().linesContaining("still holding addresses after"), node.process().tail(20));
        }
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Idle, or asking a line at a time, until the connection ends; then closes its own side. */
    private static Ending untilTheEnd(Socket socket, boolean asking) {
        List<Long> answeredAt = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = socket.getOutputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int asked = 0; asked < 100_000 && System.nanoTime() < deadline; asked++) {
                if (asking) {
                    out.write("hello\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                String line = in.readLine();
                if (line == null) {
                    return new Ending(true, null, System.nanoTime(), answeredAt);
                }
                answeredAt.add(System.nanoTime());
                if (!asking) {
                    return new Ending(false, "an answer to nothing: " + line, System.nanoTime(), answeredAt);
                }
            }
            return new Ending(false, "no end within 20 s", System.nanoTime(), answeredAt);
        } catch (SocketException e) {
            return new Ending(false, e.toString(), System.nanoTime(), answeredAt);
        } catch (IOException e) {
            return new Ending(false, e.toString(), System.nanoTime(), answeredAt);
        }
    }

    private record Ending(boolean fin, String failure, long atNanos, List<Long> answeredAt) {
        long answersAfter(long nanos) {
            return answeredAt.stream().filter(at -> at > nanos).count();
        }
    }
}
