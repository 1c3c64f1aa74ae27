package io.fulcrum.testbed.e2e.harness;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A client connection from a chosen 127.0.0.x source address (a distinct client IP), asking "hello" and
 * reading the name of the real server that answered.
 */
public final class LineClient implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 3000;
    private static final int READ_TIMEOUT_MS = 5000;

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private LineClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        this.out = socket.getOutputStream();
    }

    public static LineClient connect(String sourceAddress, InetSocketAddress target) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(sourceAddress), 0));
            socket.connect(target, CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            return new LineClient(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** One short connection: connect, ask once, close; returns the answering real server's name. */
    public static String askOnce(String sourceAddress, InetSocketAddress target) throws IOException {
        try (LineClient client = connect(sourceAddress, target)) {
            return client.ask();
        }
    }

    /** Like {@link #askOnce}, but null when nothing answers yet (for polling until something does). */
    public static String askQuietly(String sourceAddress, InetSocketAddress target) {
        try {
            return askOnce(sourceAddress, target);
        } catch (IOException notYet) {
            return null;
        }
    }

    /** Sends one line and returns the answer; fails if the connection ends first. */
    public String ask() throws IOException {
        out.write("hello\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        String answer = in.readLine();
        if (answer == null) {
            throw new EOFException("connection closed before an answer");
        }
        return answer;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
