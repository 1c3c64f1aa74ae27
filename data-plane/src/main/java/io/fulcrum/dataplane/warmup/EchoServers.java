package io.fulcrum.dataplane.warmup;

import io.fulcrum.dataplane.os.ThreadPriority;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The real servers of the warm-up, on one thread and one selector: TCP servers that answer each
 * request of {@link #REQUEST_BYTES} with {@link #REPLY_BYTES} and then do what its first byte asks
 * (keep the connection, close it, or reset it), and a UDP server that echoes every datagram. They
 * answer a FIN with theirs.
 */
final class EchoServers implements AutoCloseable {
    static final int REQUEST_BYTES = 96;
    static final int REPLY_BYTES = 640;
    /** First byte of a request after whose reply the server closes (as HTTP does for Connection: close). */
    static final byte CLOSE = 'C';
    /** ... after whose reply the server resets the connection (SO_LINGER 0), as an aborting server does. */
    static final byte RESET = 'R';
    static final byte KEEP = 'K';
    private static final int DATAGRAM_BYTES = 2048;

    private final Selector selector;
    private final List<ServerSocketChannel> tcp = new ArrayList<>();
    private final DatagramChannel udp;
    private final ByteBuffer reply = ByteBuffer.allocateDirect(REPLY_BYTES);
    private final ByteBuffer datagram = ByteBuffer.allocateDirect(DATAGRAM_BYTES);
    private final Thread thread;
    private volatile boolean closed;

    EchoServers(InetAddress loopback, int tcpServers) throws IOException {
        selector = Selector.open();
        DatagramChannel udpChannel = null;
        try {
            for (int i = 0; i < tcpServers; i++) {
                ServerSocketChannel server = ServerSocketChannel.open();
                tcp.add(server);
                server.bind(new InetSocketAddress(loopback, 0), 4096);
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
            }
            udpChannel = DatagramChannel.open();
            udpChannel.bind(new InetSocketAddress(loopback, 0));
            udpChannel.configureBlocking(false);
            udpChannel.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            closeAll(udpChannel);
            tcp.forEach(EchoServers::closeAll);
            closeAll(selector);
            throw e;
        }
        udp = udpChannel;
        thread = Thread.ofPlatform().daemon().name("fulcrum-warm-up-servers").start(this::serve);
    }

    List<InetSocketAddress> tcpAddresses() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (ServerSocketChannel server : tcp) {
            addresses.add((InetSocketAddress) server.socket().getLocalSocketAddress());
        }
        return addresses;
    }

    InetSocketAddress udpAddress() {
        return (InetSocketAddress) udp.socket().getLocalSocketAddress();
    }

    private void serve() {
        ThreadPriority.lowerThisThreadToTheLowest();
        try {
            while (!closed) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.channel() instanceof ServerSocketChannel server) {
                        acceptAll(server);
                    } else if (key.channel() == udp) {
                        echoDatagrams();
                    } else {
                        ((Connection) key.attachment()).ready(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            // Closed: the warm-up is over.
        }
    }

    private void acceptAll(ServerSocketChannel server) throws IOException {
        SocketChannel accepted;
        while ((accepted = server.accept()) != null) {
            accepted.configureBlocking(false);
            accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Connection connection = new Connection(accepted);
            accepted.register(selector, SelectionKey.OP_READ, connection);
        }
    }

    private void echoDatagrams() throws IOException {
        SocketAddress from;
        datagram.clear();
        while ((from = udp.receive(datagram)) != null) {
            datagram.flip();
            udp.send(datagram, from);
            datagram.clear();
        }
    }

    /** One accepted connection: reads requests, writes each reply, then keeps, closes or resets. */
    private final class Connection {
        private final SocketChannel channel;
        private final ByteBuffer request = ByteBuffer.allocate(REQUEST_BYTES);
        /** The rest of a reply the socket could not take yet. */
        private ByteBuffer unsent;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }

        void ready(SelectionKey key) {
            try {
                if (unsent != null && !finishReply(key)) {
                    return;
                }
                while (true) {
                    int read = channel.read(request);
                    if (read < 0) {
                        channel.close();
                        return;
                    }
                    if (request.hasRemaining()) {
                        return;
                    }
                    request.clear();
                    unsent = reply.duplicate().clear();
                    if (!finishReply(key)) {
                        return;
                    }
                }
            } catch (IOException e) {
                // Reset by the proxy, or the warm-up is over: this connection ends.
                closeAll(channel);
            }
        }

        /** Writes what is left of the reply and acts on the request's kind; false while it waits to write. */
        private boolean finishReply(SelectionKey key) throws IOException {
            channel.write(unsent);
            if (unsent.hasRemaining()) {
                key.interestOps(SelectionKey.OP_WRITE);
                return false;
            }
            unsent = null;
            key.interestOps(SelectionKey.OP_READ);
            byte kind = request.get(0);
            if (kind == RESET) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            if (kind == RESET || kind == CLOSE) {
                channel.close();
                return false;
            }
            return true;
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (SelectionKey key : selector.keys()) {
            closeAll(key.channel());
        }
        closeAll(udp);
        tcp.forEach(EchoServers::closeAll);
        closeAll(selector);
    }

    private static void closeAll(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            // Nothing more to release.
        }
    }
}
