package io.fulcrum.dataplane.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real server for tests on a loopback address: greets each client with its label and a
 * newline, echoes what it receives, and answers the client's FIN with "bye\n" before closing.
 * With {@code expectProxyHeader} it first consumes a PROXY v2 header and remembers it.
 */
public final class TestRealServer implements AutoCloseable {
    private final String label;
    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<byte[]> proxyHeaders = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final boolean expectProxyHeader;

    private TestRealServer(String label, InetAddress address, int port, boolean expectProxyHeader) throws IOException {
        this.label = label;
        this.expectProxyHeader = expectProxyHeader;
        this.socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(address, port), 128);
        threads.execute(this::acceptLoop);
    }

    public static TestRealServer start(String label, String address, int port) throws IOException {
        return new TestRealServer(label, InetAddress.getByName(address), port, false);
    }

    public static TestRealServer startExpectingProxyHeader(String label, String address, int port) throws IOException {
        return new TestRealServer(label, InetAddress.getByName(address), port, true);
    }

    public int port() {
        return socket.getLocalPort();
    }

    public InetAddress address() {
        return socket.getInetAddress();
    }

    public int accepted() {
        return accepted.get();
    }

    public List<byte[]> proxyHeaders() {
        return proxyHeaders;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                accepted.incrementAndGet();
                clients.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            if (expectProxyHeader) {
                byte[] fixed = in.readNBytes(16);
                int length = ((fixed[14] & 0xff) << 8) | (fixed[15] & 0xff);
                byte[] rest = in.readNBytes(length);
                byte[] header = new byte[16 + length];
                System.arraycopy(fixed, 0, header, 0, 16);
                System.arraycopy(rest, 0, header, 16, length);
                proxyHeaders.add(header);
            }
            out.write((label + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            out.write("bye\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException ignored) {
            // The client went away; nothing to do.
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket client : clients) {
            client.close();
        }
        threads.shutdownNow();
    }
}
