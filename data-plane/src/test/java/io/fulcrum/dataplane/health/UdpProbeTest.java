package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.TestConfigs;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The udp check against real sockets on loopback: a reply, the wrong reply, silence, and a closed port. */
class UdpProbeTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A check with a timeout that a busy machine's echo thread meets (only the silence test waits it out). */
    private static HealthCheckConfig udp(String send, String expect) {
        return udp(send, expect, Duration.ofSeconds(2));
    }

    private static HealthCheckConfig udp(String send, String expect, Duration timeout) {
        HealthCheckConfig base = TestConfigs.connectCheck().withTiming(timeout.plusSeconds(1), timeout, 1, 3);
        return new HealthCheckConfig(HealthCheckType.UDP, base.interval(), base.timeout(), 1, 3, 0, "", 0, 0, send, expect);
    }

    private ProbeResult check(InetSocketAddress target, HealthCheckConfig config) throws Exception {
        return new UdpProbe().check(group.next(), target, config).get(5, TimeUnit.SECONDS);
    }

    /** Answers every datagram with "pong: " and what it got, from a thread of its own. */
    private static DatagramSocket echo() throws Exception {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Thread answering = new Thread(() -> {
            byte[] buffer = new byte[2048];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket in = new DatagramPacket(buffer, buffer.length);
                    socket.receive(in);
                    byte[] reply = ("pong: " + new String(in.getData(), 0, in.getLength(), StandardCharsets.US_ASCII))
                            .getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(reply, reply.length, in.getSocketAddress()));
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        answering.setDaemon(true);
        answering.start();
        return socket;
    }

    @Test
    void aReplyPassesAndOneWithoutTheExpectedTextFails() throws Exception {
        try (DatagramSocket server = echo()) {
            InetSocketAddress target = (InetSocketAddress) server.getLocalSocketAddress();
            ProbeResult any = check(target, udp("hello", ""));
            assertTrue(any.success(), any.detail());
            assertEquals("reply of 11 bytes", any.detail());
            assertTrue(check(target, udp("hello", "pong: hello")).success());
            ProbeResult wrong = check(target, udp("hello", "ready"));
            assertFalse(wrong.success());
            assertEquals("reply without \"ready\": \"pong: hello\"", wrong.detail());
            assertFalse(wrong.conclusive());
        }
    }

    @Test
    void silenceFailsAtTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            ProbeResult result = check((InetSocketAddress) silent.getLocalSocketAddress(),
                    udp("hello", "", Duration.ofMillis(300)));
            assertFalse(result.success());
            assertEquals("no reply within 300ms", result.detail());
            assertFalse(result.conclusive());
        }
    }

    @Test
    void aClosedPortIsConclusive() throws Exception {
        int port;
        try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = gone.getLocalPort();
        }
        long started = System.nanoTime();
        ProbeResult result = check(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), udp("hello", ""));
        assertFalse(result.success());
        assertTrue(result.conclusive(), result.toString());
        assertEquals("ICMP port unreachable", result.detail());
        assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(1_500), "well before the 2 s timeout");
    }
}
