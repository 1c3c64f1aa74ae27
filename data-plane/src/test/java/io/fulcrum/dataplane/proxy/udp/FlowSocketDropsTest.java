package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.UdpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static io.fulcrum.dataplane.testing.Eventually.await;
import static io.fulcrum.dataplane.testing.RuntimeFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real server's burst of replies overflows the receive buffer of the flow's upstream socket while
 * the node is too busy to read: the datagrams the kernel dropped there show in droppedDatagrams.
 */
class FlowSocketDropsTest {
    private static final int BURST = 600;
    private final RuntimeFixture fixture = new RuntimeFixture(
            new UdpSocketBuffers(UdpSocketBuffers.DEFAULT.serviceBytes(), UdpSocketBuffers.MIN_BYTES));

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void repliesTheKernelDropsOnAFlowsSocketAreCounted() throws Exception {
        int port = FreePorts.next();
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress("127.0.0.23", 0));
             UdpClient client = new UdpClient("127.0.0.6", "127.0.0.1", port)) {
            server.setSoTimeout(5000);
            fixture.apply(1, TestConfigs.udp("udp", ip("127.0.0.1"), List.of(port),
                            List.of(RuntimeFixture.realServer("burster", "127.0.0.23", server.getLocalPort())))
                    .withHealthCheck(TestConfigs.connectCheck().withType(HealthCheckType.NONE)));
            client.send("start");
            DatagramPacket first = new DatagramPacket(new byte[64], 64);
            server.receive(first);
            SocketAddress flowSocket = first.getSocketAddress();
            assertEquals(0, fixture.status("udp").datagrams().dropped());

            CountDownLatch release = fixture.stallEventLoops();
            try {
                byte[] reply = new byte[1000];
                for (int i = 0; i < BURST; i++) {
                    server.send(new DatagramPacket(reply, reply.length, flowSocket));
                }
            } finally {
                release.countDown();
            }
            // A 64 KiB buffer holds a few dozen such datagrams; the kernel dropped the rest of the burst.
            await("the flow socket's drops counted", Duration.ofSeconds(5),
                    () -> fixture.status("udp").datagrams().dropped() >= BURST / 2);
            long dropped = fixture.status("udp").datagrams().dropped();
            long out = fixture.status("udp").datagrams().out();
            assertTrue(dropped + out <= BURST, "dropped " + dropped + " + relayed " + out);
        }
    }
}
