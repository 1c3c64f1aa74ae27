package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackPressureTest {
    private static final long TOTAL = 128L * 1024 * 1024;
    // Kernel socket buffers on loopback autotune to a few MB each; far below what the sender has.
    private static final long MAX_IN_FLIGHT = 48L * 1024 * 1024;

    private final RuntimeFixture fixture = new RuntimeFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void slowReaderStallsTheSenderInsteadOfFillingTheProxysMemory() throws Exception {
        AtomicLong written = new AtomicLong();
        try (ServerSocket blaster = new ServerSocket()) {
            blaster.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread sender = new Thread(() -> blast(blaster, written), "blaster");
            sender.setDaemon(true);
            sender.start();
            int port = FreePorts.next();
            fixture.apply(1, service("bulk", "127.0.0.1", port, realServer("blaster", "127.0.0.1", blaster.getLocalPort())));

            try (Socket client = new Socket()) {
                client.setReceiveBufferSize(64 * 1024);
                client.setSoTimeout(5000);
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                awaitStall(written);
                assertTrue(written.get() < MAX_IN_FLIGHT, "sender got " + written.get() + " bytes out unread");

                long received = drain(client.getInputStream());
                assertEquals(TOTAL, received);
            }
        }
    }

    private static void awaitStall(AtomicLong written) {
        long[] last = {-1};
        long[] stableSince = {System.nanoTime()};
        await("sender stalls", Duration.ofSeconds(10), () -> {
            long now = written.get();
            if (now != last[0]) {
                last[0] = now;
                stableSince[0] = System.nanoTime();
                return false;
            }
            return now > 0 && System.nanoTime() - stableSince[0] > Duration.ofMillis(300).toNanos();
        });
    }

    private static long drain(InputStream in) throws Exception {
        byte[] buffer = new byte[256 * 1024];
        long received = 0;
        int n;
        while (received < TOTAL && (n = in.read(buffer)) >= 0) {
            received += n;
        }
        return received;
    }

    private static void blast(ServerSocket server, AtomicLong written) {
        try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
            byte[] chunk = new byte[64 * 1024];
            while (written.get() < TOTAL) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
            out.flush();
            // Keep the socket open until the client has read everything.
            socket.getInputStream().read();
        } catch (Exception ignored) {
            // The test ended or the proxy closed the connection.
        }
    }
}
