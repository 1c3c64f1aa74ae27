package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-copy path: large transfers both ways arrive intact, half-close still flows through,
 * counters see spliced bytes, idle timeouts spare busy spliced pairs, and the buffered relay still
 * carries everything when splicing is switched off.
 */
class SpliceRelayTest {
    private static final int SIZE = 24 * 1024 * 1024;

    private final RuntimeFixture fixture = new RuntimeFixture();
    private final int port = FreePorts.next();

    @AfterEach
    void tearDown() {
        fixture.close();
        System.clearProperty(SpliceRelay.ENABLED_PROPERTY);
    }

    @Test
    void largeTransferBothWaysArrivesIntactAndIsCounted() throws Exception {
        long splicedBefore = SpliceRelay.connectionsStarted();
        transferThroughProxy();
        assertEquals(splicedBefore + 1, SpliceRelay.connectionsStarted(), "connection was spliced");
    }

    @Test
    void bufferedRelayStillCarriesEverythingWhenSpliceIsOff() throws Exception {
        System.setProperty(SpliceRelay.ENABLED_PROPERTY, "false");
        long splicedBefore = SpliceRelay.connectionsStarted();
        transferThroughProxy();
        assertEquals(splicedBefore, SpliceRelay.connectionsStarted(), "connection was not spliced");
    }

    @Test
    void busySplicedConnectionOutlivesTheIdleTimeout() throws Exception {
        try (TestRealServer server = TestRealServer.start("rs1", "127.0.0.1", 0)) {
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", server.port()))
                    .withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofSeconds(2)));
            try (TestClient client = new TestClient("127.0.0.1", port)) {
                assertEquals("rs1", client.readLine());
                long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
                int round = 0;
                while (System.nanoTime() < end) {
                    client.send("ping " + round + "\n");
                    assertEquals("ping " + round, client.readLine());
                    round++;
                    // Pacing, not synchronisation: one line every 100 ms keeps the pair busy but slow.
                    Thread.sleep(100);
                }
                assertTrue(round >= 10, "rounds " + round);
                assertTrue(client.closedByPeer(), "idle pair is closed once traffic stops");
            }
        }
    }

    /**
     * The client sends SIZE random bytes and half-closes; the real server answers only after it saw
     * that FIN, with SIZE bytes of its own, so the answer flows through a half-closed pair.
     */
    private void transferThroughProxy() throws Exception {
        try (DigestServer server = new DigestServer()) {
            fixture.apply(1, service("bulk", "127.0.0.1", port, realServer("rs1", "127.0.0.1", server.port())));
            byte[] upload = randomBytes(1);
            byte[] download = randomBytes(2);
            server.answer = download;
            try (Socket client = new Socket()) {
                client.setSoTimeout(15_000);
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> digestOf(client));
                OutputStream out = client.getOutputStream();
                out.write(upload);
                out.flush();
                client.shutdownOutput();
                assertArrayEquals(sha256(download), received.get(30, TimeUnit.SECONDS), "download intact");
            }
            assertArrayEquals(sha256(upload), server.received.get(30, TimeUnit.SECONDS), "upload intact");
            await("connection closed and counted", Duration.ofSeconds(5),
                    () -> fixture.status("bulk").activeConnections() == 0);
            assertEquals(SIZE, fixture.status("bulk").bytesIn());
            assertEquals(SIZE, fixture.status("bulk").bytesOut());
            assertEquals(SIZE, fixture.status("bulk", "rs1").bytesIn());
            assertEquals(SIZE, fixture.status("bulk", "rs1").bytesOut());
        }
    }

    private static byte[] randomBytes(long seed) {
        byte[] bytes = new byte[SIZE];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static byte[] digestOf(Socket socket) {
        try {
            return digestUntilEnd(socket.getInputStream());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] digestUntilEnd(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] chunk = new byte[64 * 1024];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            digest.update(chunk, 0, n);
        }
        return digest.digest();
    }

    /** Accepts one connection, digests everything until the client's FIN, then sends its answer and closes. */
    private static final class DigestServer implements AutoCloseable {
        final CompletableFuture<byte[]> received = new CompletableFuture<>();
        volatile byte[] answer;
        private final ServerSocket listener;

        DigestServer() throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread thread = new Thread(this::serve, "digest-server");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        private void serve() {
            try (Socket socket = listener.accept()) {
                socket.setSoTimeout(15_000);
                received.complete(digestUntilEnd(socket.getInputStream()));
                socket.getOutputStream().write(answer);
                socket.getOutputStream().flush();
            } catch (Exception e) {
                received.completeExceptionally(e);
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
