package io.fulcrum.testbed.demo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * Answers each datagram on one UDP address:port with "NAME IP:PORT PAYLOAD", so whoever sends
 * through a load balancer sees which real server (and which of its ports) answered.
 */
final class UdpEchoListener implements AutoCloseable {

    private static final int MAX_DATAGRAM = 65_507;

    private final String name;
    private final DatagramChannel channel;
    private final String local;
    private final Thread thread;

    private UdpEchoListener(String name, DatagramChannel channel, InetSocketAddress listen) {
        this.name = name;
        this.channel = channel;
        this.local = listen.getAddress().getHostAddress() + ":" + listen.getPort();
        this.thread = new Thread(this::serve, "udp-echo-" + local);
        this.thread.setDaemon(true);
    }

    static UdpEchoListener start(String name, InetSocketAddress listen) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(listen);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        UdpEchoListener listener = new UdpEchoListener(name, channel, listen);
        listener.thread.start();
        return listener;
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(MAX_DATAGRAM);
        while (channel.isOpen()) {
            try {
                in.clear();
                SocketAddress sender = channel.receive(in);
                in.flip();
                String payload = StandardCharsets.UTF_8.decode(in).toString().stripTrailing();
                byte[] reply = (name + " " + local + " " + payload + "\n").getBytes(StandardCharsets.UTF_8);
                channel.send(ByteBuffer.wrap(reply, 0, Math.min(reply.length, MAX_DATAGRAM)), sender);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                // One failed send (e.g. the sender vanished) must not stop answering everyone else.
                System.err.println("udp " + local + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort; the process is stopping anyway
        }
    }
}
