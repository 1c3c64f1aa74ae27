package io.fulcrum.testbed.net;

import io.fulcrum.testbed.cli.CommandLine;
import io.fulcrum.testbed.cli.HostPort;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;

/**
 * Relays each stream accepted on one endpoint to another, where an endpoint is {@code IP:PORT} or
 * {@code unix:PATH}. A unix socket is a file, seen from every network namespace, so two relays
 * joined by one carry a TCP stream between namespaces that share no network: the test's nodes in
 * their namespaces reach the control plane on the host's loopback this way.
 */
public final class SocketRelay {
    private static final int MAX_STREAMS = 64;

    private SocketRelay() {
    }

    public static void main(String[] args) throws IOException {
        SocketAddress listen;
        SocketAddress to;
        try {
            CommandLine commandLine = CommandLine.parse(args, "listen", "to");
            listen = endpoint(commandLine.required("listen"));
            to = endpoint(commandLine.required("to"));
        } catch (CommandLine.UsageException e) {
            System.err.println("usage: --listen IP:PORT|unix:PATH --to IP:PORT|unix:PATH: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (listen instanceof UnixDomainSocketAddress unix) {
            Files.deleteIfExists(unix.getPath());
        }
        ServerSocketChannel server = ServerSocketChannel.open(family(listen));
        server.bind(listen);
        System.out.println("relaying " + listen + " to " + to);
        System.out.flush();
        Semaphore streams = new Semaphore(MAX_STREAMS);
        while (true) {
            SocketChannel accepted = server.accept();
            if (!streams.tryAcquire()) {
                accepted.close();
                continue;
            }
            daemon(() -> {
                try (accepted; SocketChannel upstream = SocketChannel.open(to)) {
                    Thread back = daemon(() -> copy(upstream, accepted));
                    copy(accepted, upstream);
                    back.join();
                } catch (IOException | InterruptedException e) {
                    // The stream ends with either side; the next one is relayed as usual.
                } finally {
                    streams.release();
                }
            });
        }
    }

    /** Copies until the end of {@code from}, then half-closes {@code to}, as the stream itself would. */
    private static void copy(SocketChannel from, SocketChannel to) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (from.read(buffer) >= 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
                buffer.clear();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // both are going away
            }
        }
    }

    private static Thread daemon(Runnable work) {
        Thread thread = new Thread(work, "relay");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static SocketAddress endpoint(String text) {
        return text.startsWith("unix:") ? UnixDomainSocketAddress.of(Path.of(text.substring(5))) : HostPort.parse(text);
    }

    private static ProtocolFamily family(SocketAddress address) {
        return address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET;
    }
}
