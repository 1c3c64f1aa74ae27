package io.fulcrum.testbed.e2e.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * One UDP flow: a socket bound to a chosen 127.0.0.x source address and a fresh ephemeral port,
 * so each instance is a new flow of that client IP. Asks get "NAME IP:PORT PAYLOAD" back from
 * demo real servers and return NAME.
 */
public final class UdpClient implements AutoCloseable {

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private int sequence;

    private UdpClient(DatagramSocket socket, InetSocketAddress target) {
        this.socket = socket;
        this.target = target;
    }

    public static UdpClient open(String sourceAddress, InetSocketAddress target) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(sourceAddress, 0));
        return new UdpClient(socket, target);
    }

    /** A new flow (new source port) that sends one datagram and returns who answered. */
    public static String askOnce(String sourceAddress, InetSocketAddress target) throws IOException {
        try (UdpClient client = open(sourceAddress, target)) {
            return client.ask();
        }
    }

    /** Sends one datagram on this flow; the answering server's name, or fails after two seconds. */
    public String ask() throws IOException {
        return tryAsk(DEFAULT_WAIT).orElseThrow(() -> new SocketTimeoutException(
                "no answer within " + DEFAULT_WAIT.toMillis() + " ms from " + target + " to " + socket.getLocalSocketAddress()));
    }

    /** Sends one datagram and waits up to {@code wait} for its own answer; empty when none came. */
    public Optional<String> tryAsk(Duration wait) throws IOException {
        String payload = "ping-" + (++sequence);
        byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, target));
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] buffer = new byte[2048];
        while (true) {
            long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
            if (left == 0) {
                return Optional.empty();
            }
            socket.setSoTimeout((int) left);
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            String text = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8).strip();
            String[] parts = text.split(" ", 3);
            // A late answer to an earlier datagram of this flow is skipped, not mistaken for this one.
            if (parts.length == 3 && parts[2].equals(payload)) {
                return Optional.of(parts[0]);
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
