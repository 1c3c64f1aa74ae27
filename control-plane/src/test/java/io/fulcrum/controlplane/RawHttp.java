package io.fulcrum.controlplane;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Requests written byte by byte on a socket, for what an HTTP client library will not send:
 * chunked bodies of any size, broken framing, a client that leaves mid-body.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and the body. */
    public static String exchange(String head, byte[] body) {
        return exchangeFrom(null, head, body);
    }

    /** Like {@link #exchange}, from the given local address (a client IP of its own, e.g. 127.0.9.1). */
    public static String exchangeFrom(String localAddress, String head, byte[] body) {
        try (Socket socket = connect(localAddress)) {
            OutputStream out = socket.getOutputStream();
            out.write((signedIn(head) + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            try {
                out.write(body);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before it read the whole body (413): read that answer.
            }
            return readAll(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A chunked body of {@code size} bytes of {@code fill}, in chunks of 8 KiB. */
    public static byte[] chunked(int size, byte fill) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        java.util.Arrays.fill(chunk, fill);
        for (int left = size; left > 0; left -= chunk.length) {
            int n = Math.min(left, chunk.length);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(chunk, 0, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    /** Sends the head and part of the promised body, then closes the connection without reading. */
    public static void abandon(String head, byte[] partOfBody) {
        try (Socket socket = connect(null)) {
            OutputStream out = socket.getOutputStream();
            out.write((signedIn(head) + "\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(partOfBody);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A header line that makes a request go with no Authorization at all. */
    public static final String UNSIGNED = "\r\nX-Unsigned: 1";

    /** Requests go as the test admin unless the head has its own Authorization, or is {@link #UNSIGNED}. */
    private static String signedIn(String head) {
        if (head.contains(UNSIGNED)) {
            return head.replace(UNSIGNED, "");
        }
        return head.contains("\r\nAuthorization:") ? head
                : head + "\r\nAuthorization: Bearer " + io.fulcrum.controlplane.contract.TestCredentials.ADMIN_TOKEN;
    }

    /** The status code of a raw answer. */
    public static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** A header of a raw answer (case-insensitive name), or null. */
    public static String header(String answer, String name) {
        for (String line : answer.substring(0, Math.max(0, answer.indexOf("\r\n\r\n"))).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static Socket connect(String localAddress) throws IOException {
        Socket socket = new Socket();
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", RestAssured.port), 5000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                response.write(buffer, 0, n);
            }
        } catch (java.net.SocketException e) {
            // A reset after the answer (the server closed while our body was still in flight) ends it too.
        }
        return response.toString(StandardCharsets.UTF_8);
    }
}
