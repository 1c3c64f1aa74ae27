package io.fulcrum.testbed.e2e.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real server inside the test JVM: answers every line it reads with its own name, on as many lines as the
 * client sends. Killing it closes its listener and every live connection, like a crashed server.
 */
public final class NameServer implements AutoCloseable {

    private final String name;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    // Live connections, each with the sequence number it was accepted under.
    private final Map<Socket, Integer> live = new ConcurrentHashMap<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Map<Integer, AtomicLong> requestsByConnection = new ConcurrentHashMap<>();
    private Future<?> acceptLoop;

    private NameServer(String name, ServerSocket listener) {
        this.name = name;
        this.listener = listener;
    }

    /** Listens on the address with a free port; the name is also what it answers. */
    public static NameServer start(String name, String address) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(address), 0), 256);
            NameServer server = new NameServer(name, listener);
            server.acceptLoop = server.threads.submit(server::acceptLoop);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address, e);
        }
    }

    public String name() {
        return name;
    }

    public String address() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far, health checks included; pass it to {@link #requestsAfter(int)} later. */
    public int accepted() {
        return accepted.get();
    }

    /** Lines answered on connections accepted after the mark (so health checks, which send nothing, do not count). */
    public long requestsAfter(int mark) {
        return requestsByConnection.entrySet().stream()
                .filter(entry -> entry.getKey() > mark)
                .mapToLong(entry -> entry.getValue().get())
                .sum();
    }

    /**
     * Closes the listener first (new connects are refused from the moment this returns), then every live
     * connection. While a thread is blocked in accept(), ServerSocket.close() only signals it: the kernel
     * socket keeps listening, and completing handshakes, until that thread has left accept(); so wait for it.
     */
    public void kill() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // already closed
        }
        awaitAcceptLoopEnd();
        for (Socket socket : live.keySet()) {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        kill();
        threads.shutdownNow();
    }

    private void awaitAcceptLoopEnd() {
        try {
            acceptLoop.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(name + " still accepting after its listener was closed", e);
        }
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                int sequence = accepted.incrementAndGet();
                live.put(socket, sequence);
                // A kill between accept and registration must still close this socket.
                if (listener.isClosed()) {
                    closeQuietly(socket);
                }
                threads.execute(() -> serve(socket, sequence));
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    private void serve(Socket socket, int sequence) {
        AtomicLong requests = requestsByConnection.computeIfAbsent(sequence, key -> new AtomicLong());
        byte[] answer = (name + "\n").getBytes(StandardCharsets.UTF_8);
        try (socket;
             BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            OutputStream out = socket.getOutputStream();
            while (in.readLine() != null) {
                requests.incrementAndGet();
                out.write(answer);
                out.flush();
            }
        } catch (IOException connectionBroken) {
            // the client or a kill closed it; nothing to answer any more
        } finally {
            live.remove(socket);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            // RST rather than FIN, as a crashed process's connections end.
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
