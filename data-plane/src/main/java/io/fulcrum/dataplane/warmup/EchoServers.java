package io.fulcrum.dataplane.warmup;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * The real servers of the warm-up: TCP servers that answer each request with a reply of
 * {@link #REPLY_BYTES} and close after it when the request asks (its first byte is {@link #CLOSE}),
 * and a UDP server that echoes every datagram. Each TCP server serves up to {@code handlers}
 * connections at once, one daemon thread each: the warm-up's clients hold one connection at a time.
 */
final class EchoServers implements AutoCloseable {
    static final int REQUEST_BYTES = 96;
    static final int REPLY_BYTES = 640;
    /** First byte of a request after which the server closes (as an HTTP server does for Connection: close). */
    static final byte CLOSE = 'C';
    static final byte KEEP = 'K';
    static final int IO_TIMEOUT_MILLIS = 2_000;

    private final List<ServerSocket> tcp = new ArrayList<>();
    private final DatagramSocket udp;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;

    EchoServers(InetAddress loopback, int tcpServers, int handlers) throws IOException {
        try {
            for (int i = 0; i < tcpServers; i++) {
                ServerSocket server = new ServerSocket();
                tcp.add(server);
                server.bind(new InetSocketAddress(loopback, 0), 64);
            }
            udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
        } catch (IOException e) {
            close();
            throw e;
        }
        for (ServerSocket server : tcp) {
            for (int i = 0; i < handlers; i++) {
                threads.add(Thread.ofPlatform().daemon().name("fulcrum-warm-up-tcp").start(() -> serve(server)));
            }
        }
        threads.add(Thread.ofPlatform().daemon().name("fulcrum-warm-up-udp").start(this::echoDatagrams));
    }

    List<InetSocketAddress> tcpAddresses() {
        return tcp.stream().map(server -> (InetSocketAddress) server.getLocalSocketAddress()).toList();
    }

    InetSocketAddress udpAddress() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    private void serve(ServerSocket server) {
        byte[] request = new byte[REQUEST_BYTES];
        byte[] reply = new byte[REPLY_BYTES];
        while (!closed) {
            try (Socket connection = server.accept()) {
                connection.setTcpNoDelay(true);
                connection.setSoTimeout(IO_TIMEOUT_MILLIS);
                InputStream in = connection.getInputStream();
                while (readFully(in, request)) {
                    connection.getOutputStream().write(reply);
                    if (request[0] == CLOSE) {
                        break;
                    }
                }
            } catch (IOException e) {
                // A connection that failed ends; the client notices and ends the warm-up.
            }
        }
    }

    private void echoDatagrams() {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        while (!closed) {
            try {
                packet.setLength(2048);
                udp.receive(packet);
                udp.send(packet);
            } catch (IOException e) {
                // Closed, or a datagram that could not be answered: the client times out on it.
            }
        }
    }

    /** Reads exactly {@code buffer.length} bytes; false at a FIN before the first of them. */
    static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        int read = 0;
        while (read < buffer.length) {
            int n = in.read(buffer, read, buffer.length - read);
            if (n < 0) {
                if (read == 0) {
                    return false;
                }
                throw new SocketException("FIN after " + read + " of " + buffer.length + " bytes");
            }
            read += n;
        }
        return true;
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket server : tcp) {
            try {
                server.close();
            } catch (IOException e) {
                // Nothing more to release.
            }
        }
        if (udp != null) {
            udp.close();
        }
        for (Thread thread : threads) {
            try {
                thread.join(IO_TIMEOUT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
