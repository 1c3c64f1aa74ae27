package io.fulcrum.dataplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A UDP client on its own loopback address and ephemeral port, with a bounded wait for replies. */
public final class UdpClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress service;
    private InetSocketAddress lastReplyFrom;

    public UdpClient(String address, String serviceAddress, int servicePort) {
        try {
            this.socket = new DatagramSocket(new InetSocketAddress(address, 0));
            socket.setSoTimeout(2000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.service = new InetSocketAddress(serviceAddress, servicePort);
    }

    public void send(byte[] payload) {
        try {
            socket.send(new DatagramPacket(payload, payload.length, service));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next reply as text, or null when none arrives within the timeout. */
    public String receive() {
        byte[] buffer = new byte[65535];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastReplyFrom = (InetSocketAddress) packet.getSocketAddress();
        return new String(buffer, 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    /**
     * Sends and returns the label of the real server that echoed it, resending a few times (UDP may
     * drop on a busy machine) and skipping late replies to earlier datagrams; null when none came.
     */
    public String exchange(String text) {
        for (int attempt = 0; attempt < 3; attempt++) {
            send(text);
            String reply;
            while ((reply = receive()) != null) {
                if (reply.endsWith(":" + text)) {
                    return reply.substring(0, reply.length() - text.length() - 1);
                }
            }
        }
        return null;
    }

    public InetSocketAddress lastReplyFrom() {
        return lastReplyFrom;
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public void setTimeoutMillis(int millis) {
        try {
            socket.setSoTimeout(millis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
