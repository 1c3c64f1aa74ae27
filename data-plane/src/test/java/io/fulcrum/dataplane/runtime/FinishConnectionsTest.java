package io.fulcrum.dataplane.runtime;

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
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The end of a stop: connections still open at the drain deadline are ended with FIN, never RST. */
class FinishConnectionsTest {
    private static final Duration LINGER = Duration.ofSeconds(3);

    private final RuntimeFixture fixture = new RuntimeFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void idleConnectionsGetAFinAndCloseAsSoonAsBothSidesAnswer() throws Exception {
        int port = FreePorts.next();
        try (TestRealServer server = TestRealServer.start("rs1", "127.0.0.1", 0)) {
            fixture.apply(1, service("rdp", "127.0.0.1", port, realServer("rs1", "127.0.0.1", server.port())));
            List<TestClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    TestClient client = new TestClient("127.0.0.1", port);
                    assertEquals("rs1", client.readLine());
                    clients.add(client);
                }
                fixture.runtime.stopAccepting();
                fixture.runtime.finishConnections(LINGER);
                for (TestClient client : clients) {
                    // Our FIN: end of stream, not a reset; the real server's "bye" to our FIN is not relayed.
                    assertNull(client.readLine(), "end of stream after the node's FIN");
                    client.shutdownOutput();
                }
                // Each pair closed on its two FINs, well before the linger timer.
                await("every pair closed on the answers", LINGER.minusSeconds(1),
                        () -> fixture.runtime.activeConnections() == 0);
            } finally {
                for (TestClient client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void aClientStillSendingToAStalledServerSeesAnOrderlyEndNotAReset() throws Exception {
        int port = FreePorts.next();
        try (ServerSocket stalled = new ServerSocket()) {
            stalled.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> acceptWithoutReading(stalled, accepted), "stalled-server");
            acceptor.setDaemon(true);
            acceptor.start();
            fixture.apply(1, service("bulk", "127.0.0.1", port, realServer("stalled", "127.0.0.1", stalled.getLocalPort())));
            try (Socket client = new Socket()) {
                client.setSoTimeout((int) LINGER.plusSeconds(2).toMillis());
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                AtomicReference<Exception> writeFailure = new AtomicReference<>();
                // Far more than the kernel buffers on both hops hold: the node stops reading this client.
                Thread writer = new Thread(() -> write(client, 64 << 20, writeFailure), "client-writer");
                writer.setDaemon(true);
                writer.start();
                await("bytes relayed to the stalled server", Duration.ofSeconds(5),
                        () -> fixture.status("bulk").bytesIn() >= 1 << 20);

                fixture.runtime.stopAccepting();
                fixture.runtime.finishConnections(LINGER);

                InputStream in = client.getInputStream();
                int read;
                try {
                    read = in.read();
                } catch (SocketException e) {
                    throw new AssertionError("the client saw a reset instead of an orderly end", e);
                }
                assertEquals(-1, read, "end of stream");
                // What the client was still sending was read and dropped, so its writes completed.
                writer.join(Duration.ofSeconds(5).toMillis());
                assertNull(writeFailure.get(), "the client's writes went through");
                client.shutdownOutput();
                // The stalled server never answers our FIN: the linger timer closes its side.
                await("the pair closed by the linger timer", LINGER.plusSeconds(2),
                        () -> fixture.runtime.activeConnections() == 0);
            } finally {
                for (Socket socket : accepted) {
                    socket.close();
                }
            }
        }
    }

    private static void acceptWithoutReading(ServerSocket server, List<Socket> accepted) {
        try {
            while (true) {
                Socket socket = server.accept();
                socket.setReceiveBufferSize(64 * 1024);
                accepted.add(socket);
            }
        } catch (IOException e) {
            // closed at the end of the test
        }
    }

    private static void write(Socket client, int total, AtomicReference<Exception> failure) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = client.getOutputStream();
            for (int sent = 0; sent < total; sent += chunk.length) {
                out.write(chunk);
            }
            out.flush();
        } catch (IOException e) {
            failure.set(e);
        }
    }
}
