package io.fulcrum.dataplane.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP real server for tests: answers every datagram with its label, a colon and the payload,
 * and remembers from which address and port each datagram came.
 */
public final class UdpEchoServer implements AutoCloseable {
    private final String label;
    private final DatagramSocket socket;
    private final Thread thread;
    private final List<InetSocketAddress> senders = new CopyOnWriteArrayList<>();

    private UdpEchoServer(String label, String address) throws IOException {
        this.label = label;
        this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
        this.thread = new Thread(this::serve, "udp-echo-" + label);
        thread.setDaemon(true);
        thread.start();
    }

    public static UdpEchoServer start(String label, String address) throws IOException {
        return new UdpEchoServer(label, address);
    }

    public int port() {
        return socket.getLocalPort();
    }

    public List<InetSocketAddress> senders() {
        return senders;
    }

    private void serve() {
        byte[] buffer = new byte[65535];
        byte[] prefix = (label + ":").getBytes(StandardCharsets.US_ASCII);
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                senders.add((InetSocketAddress) packet.getSocketAddress());
                byte[] reply = Arrays.copyOf(prefix, prefix.length + packet.getLength());
                System.arraycopy(buffer, 0, reply, prefix.length, packet.getLength());
                socket.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // One failed send must not stop the server.
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join(2000);
    }
}
