package io.fulcrum.dataplane.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A blocking loopback client with read timeouts, so a broken proxy fails a test instead of hanging it. */
public final class TestClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    public TestClient(String address, int port) throws IOException {
        this(address, port, null);
    }

    public TestClient(String address, int port, String bindAddress) throws IOException {
        socket = new Socket();
        if (bindAddress != null) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
        }
        socket.setSoTimeout(5000);
        socket.connect(new InetSocketAddress(InetAddress.getByName(address), port), 5000);
        in = socket.getInputStream();
    }

    public Socket socket() {
        return socket;
    }

    /** Reads one line (without the newline); null at end of stream. */
    public String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    public void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** True when the peer closed the connection (end of stream or reset) before the timeout. */
    public boolean closedByPeer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
