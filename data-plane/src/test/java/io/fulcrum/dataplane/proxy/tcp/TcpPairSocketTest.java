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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay of one pair on real sockets: bulk both ways at once, resets, and the order of the ends. */
class TcpPairSocketTest {
    private static final int MEGABYTES = 24;

    private final RuntimeFixture fixture = new RuntimeFixture();
    private final int port = FreePorts.next();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /**
     * Far more than one chunk, one socket buffer or one wake-up's worth (1 MiB) in both directions at
     * once: every byte arrives, in order, and is counted once, while the sender and the echoing
     * real server are each held back by the other's reading.
     */
    @Test
    void bulkBothWaysAtOnceArrivesIntactAndCountedOnce() throws Exception {
        try (TestRealServer server = TestRealServer.start("rs1", "127.0.0.1", 0)) {
            fixture.apply(1, service("bulk", "127.0.0.1", port, realServer("rs1", "127.0.0.1", server.port())));
            long total = MEGABYTES * 1024L * 1024L;
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(20_000);
                CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> send(client, total));
                InputStream in = client.getInputStream();
                assertEquals("rs1\n", new String(in.readNBytes(4), StandardCharsets.US_ASCII));
                MessageDigest received = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[256 * 1024];
                long left = total;
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    assertTrue(n > 0, "stream ended with " + left + " bytes missing");
                    received.update(buffer, 0, n);
                    left -= n;
                }
                assertArrayEquals(sent.get(20, TimeUnit.SECONDS), received.digest(), "echoed bytes differ");
            }
            await("pair closed", Duration.ofSeconds(5), () -> fixture.status("bulk").activeConnections() == 0);
            assertEquals(total, fixture.status("bulk").bytesIn());
            assertEquals(total, fixture.status("bulk", "rs1").bytesIn());
            long out = fixture.status("bulk").bytesOut();
            // The greeting and the echo, plus "bye\n" if the real server answered the close in time.
            assertTrue(out == total + 4 || out == total + 8, "bytes out " + out);
        }
    }

    /** A real server that resets the connection: the client's connection ends and the pair is closed once. */
    @Test
    void aRealServerThatResetsEndsTheClientsConnection() throws Exception {
        try (ServerSocket resetting = new ServerSocket()) {
            resetting.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", resetting.getLocalPort())));
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(5000);
                try (Socket accepted = resetting.accept()) {
                    client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("hello", new String(accepted.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
                    accepted.setSoLinger(true, 0);
                }
                assertTrue(endedByPeer(client.getInputStream()), "client connection still open");
            }
            await("pair closed and counted once", Duration.ofSeconds(5),
                    () -> fixture.status("web").activeConnections() == 0
                            && fixture.status("web", "rs1").activeConnections() == 0);
            assertEquals(1, fixture.status("web").totalConnections());
        }
    }

    /**
     * The real server answers and closes at once (as an HTTP server with "Connection: close"): the
     * client reads the whole answer, then the end of the stream; it still gets its own FIN through.
     */
    @Test
    void anAnswerFollowedByTheServersFinReachesTheClientWhole() throws Exception {
        byte[] answer = new byte[300_000];
        for (int i = 0; i < answer.length; i++) {
            answer[i] = (byte) (i * 31);
        }
        try (ServerSocket answering = new ServerSocket()) {
            answering.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", answering.getLocalPort())));
            for (int round = 0; round < 20; round++) {
                try (Socket client = new Socket("127.0.0.1", port)) {
                    client.setSoTimeout(5000);
                    client.getOutputStream().write("GET\n".getBytes(StandardCharsets.US_ASCII));
                    try (Socket accepted = answering.accept()) {
                        accepted.getInputStream().readNBytes(4);
                        accepted.getOutputStream().write(answer);
                    }
                    assertArrayEquals(answer, client.getInputStream().readAllBytes());
                }
            }
            await("pairs closed", Duration.ofSeconds(5), () -> fixture.status("web").activeConnections() == 0);
        }
    }

    /**
     * The client uploads and half-closes; only after that FIN does the real server answer, with far more
     * than the socket buffers hold: the answer still arrives whole (the client's socket stays in the
     * relay's epoll set with its input ended, and waits for room to write like any other).
     */
    @Test
    void aLargeAnswerSentAfterTheClientsHalfCloseArrivesWhole() throws Exception {
        byte[] upload = pattern(3_000_000, 3);
        byte[] answer = pattern(MEGABYTES * 1024 * 1024, 4);
        try (ServerSocket answering = new ServerSocket()) {
            answering.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            fixture.apply(1, service("bulk", "127.0.0.1", port, realServer("rs1", "127.0.0.1", answering.getLocalPort())));
            CompletableFuture<byte[]> uploaded = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = answering.accept()) {
                    accepted.setSoTimeout(20_000);
                    byte[] received = accepted.getInputStream().readAllBytes();
                    accepted.getOutputStream().write(answer);
                    return received;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(20_000);
                client.getOutputStream().write(upload);
                client.shutdownOutput();
                assertArrayEquals(answer, client.getInputStream().readAllBytes(), "answer intact");
            }
            assertArrayEquals(upload, uploaded.get(20, TimeUnit.SECONDS), "upload intact");
            await("pair closed", Duration.ofSeconds(5), () -> fixture.status("bulk").activeConnections() == 0);
            assertEquals(upload.length, fixture.status("bulk").bytesIn());
            assertEquals(answer.length, fixture.status("bulk").bytesOut());
        }
    }

    /** An IPv6 service relays to an IPv6 real server, and the real server is told the client's IPv6 address. */
    @Test
    void ipv6ClientsReachIpv6RealServersWithTheirAddressInTheProxyHeader() throws Exception {
        try (TestRealServer server = TestRealServer.startExpectingProxyHeader("six", "::1", 0)) {
            fixture.apply(1, service("web6", "::1", port, realServer("six", "::1", server.port())).withProxyProtocol(true));
            try (Socket client = new Socket("::1", port)) {
                client.setSoTimeout(5000);
                assertEquals("six\n", new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
                client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals("hello\n", new String(client.getInputStream().readNBytes(6), StandardCharsets.US_ASCII));
                byte[] header = server.proxyHeaders().get(0);
                assertEquals(0x21, header[13], "TCP over IPv6");
                byte[] source = java.util.Arrays.copyOfRange(header, 16, 32);
                assertArrayEquals(InetAddress.getByName("::1").getAddress(), source);
                int sourcePort = ((header[48] & 0xff) << 8) | (header[49] & 0xff);
                assertEquals(client.getLocalPort(), sourcePort);
            }
        }
    }

    /**
     * A real server whose accept queue is full drops the node's SYN, so the connect hangs: at the
     * connect timeout the next real server takes the client, which never sees the first one.
     */
    @Test
    void aConnectThatHangsTimesOutAndTheNextRealServerTakesTheClient() throws Exception {
        try (ServerSocket full = new ServerSocket();
             TestRealServer alive = TestRealServer.start("alive", "127.0.0.1", 0)) {
            full.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
            java.util.List<Socket> fillers = new java.util.ArrayList<>();
            try {
                // Fill the accept queue until a connect hangs itself (its SYN dropped), bounded.
                for (int i = 0; i < 8; i++) {
                    Socket filler = new Socket();
                    fillers.add(filler);
                    try {
                        filler.connect(full.getLocalSocketAddress(), 200);
                    } catch (java.net.SocketTimeoutException queueFull) {
                        break;
                    }
                }
                fixture.apply(1, service("web", "127.0.0.1", port, realServer("full", "127.0.0.1", full.getLocalPort()),
                        realServer("alive", "127.0.0.1", alive.port()))
                        .withAlgorithm(io.fulcrum.dataplane.config.Algorithm.WEIGHTED_ROUND_ROBIN)
                        .withTimeouts(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMillis(300)));
                for (int i = 0; i < 2; i++) {
                    long started = System.nanoTime();
                    try (TestClient client = new TestClient("127.0.0.1", port)) {
                        assertEquals("alive", client.readLine());
                    }
                    assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "served after the timeout");
                }
                assertTrue(fixture.status("web", "full").connectFailures() >= 1, "the hanging connect counted");
                assertEquals(0, fixture.status("web").refusedConnections());
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] send(Socket client, long total) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            OutputStream out = client.getOutputStream();
            byte[] chunk = new byte[100_003];
            long sent = 0;
            int seed = 7;
            while (sent < total) {
                int n = (int) Math.min(chunk.length, total - sent);
                for (int i = 0; i < n; i++) {
                    seed = seed * 1103515245 + 12345;
                    chunk[i] = (byte) (seed >>> 16);
                }
                out.write(chunk, 0, n);
                digest.update(chunk, 0, n);
                sent += n;
            }
            return digest.digest();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


    /**
     * A pair ends while a new client waits, all in one turn of the event loop: the real server resets
     * the old pair's upstream connection, the new client connects, then the old client resets. The
     * ended pair's descriptors are not reused within that turn, so the old client's reset, handed out
     * after the new client was accepted, does not end the new client's connection.
     */
    @Test
    void aNewConnectionIsNotEndedByTheLastEventsOfAPairThatEndedInTheSameTurn() throws Exception {
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            upstream.setSoTimeout(5000);
            fixture.apply(1, service("web", "127.0.0.1", port, realServer("rs1", "127.0.0.1", upstream.getLocalPort())));
            for (int round = 0; round < 30; round++) {
                Socket old = new Socket("127.0.0.1", port);
                old.getOutputStream().write("a\n".getBytes(StandardCharsets.US_ASCII));
                Socket oldUpstream = upstream.accept();
                assertEquals("a\n", new String(oldUpstream.getInputStream().readNBytes(2), StandardCharsets.US_ASCII));
                try (Socket fresh = new Socket()) {
                    fresh.setSoTimeout(5000);
                    CountDownLatch release = fixture.stallEventLoops();
                    try {
                        oldUpstream.setSoLinger(true, 0);
                        oldUpstream.close();
                        fresh.connect(new InetSocketAddress("127.0.0.1", port));
                        fresh.getOutputStream().write("b\n".getBytes(StandardCharsets.US_ASCII));
                        old.setSoLinger(true, 0);
                        old.close();
                    } finally {
                        release.countDown();
                    }
                    try (Socket freshUpstream = upstream.accept()) {
                        assertEquals("b\n", new String(freshUpstream.getInputStream().readNBytes(2), StandardCharsets.US_ASCII));
                        freshUpstream.getOutputStream().write("ok\n".getBytes(StandardCharsets.US_ASCII));
                        assertEquals("ok\n", new String(fresh.getInputStream().readNBytes(3), StandardCharsets.US_ASCII),
                                "round " + round);
                    }
                }
            }
        }
    }

    private static boolean endedByPeer(InputStream in) {
        try {
            return in.read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }
}
