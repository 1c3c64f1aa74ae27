package io.fulcrum.dataplane.warmup;

import io.fulcrum.dataplane.os.ThreadPriority;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The warm-up's clients, on one thread and one selector: {@link #CONCURRENCY} TCP connections at a
 * time over the TCP services and {@link #UDP_FLOWS} UDP flows, with the variety of a busy node's
 * traffic. The JIT compiles only the branches it has seen taken and the types it has seen; code
 * that meets a new one later goes back to the interpreter and through the compiler again, which is
 * the slow start the warm-up is there to avoid. So the connections end in each of the orders real
 * clients and servers end them ({@link Script}), come from new client addresses as well as known
 * ones (persistence misses and hits), reach the listener in bursts larger than it accepts in one
 * wake-up, the UDP flows are replaced by new ones, and the loops are left idle now and then.
 */
final class Traffic implements Runnable {
    static final int CONCURRENCY = 64;
    static final int EXCHANGES_PER_KEPT_CONNECTION = 40;
    /** Connections in the cycle of {@link Script}s: two kept ones, two resets, the rest closed one way or the other. */
    static final int SCRIPT_CYCLE = 40;
    static final int UDP_FLOWS = 8;
    static final int DATAGRAMS_IN_FLIGHT = 4;
    /** Round trips of a flow before a new flow (a new client port) takes its place. */
    static final int DATAGRAMS_PER_FLOW = 64;
    static final int CONNECTIONS_BETWEEN_BURSTS = 2_000;
    /** Connections each loop's listener finds waiting at once: more than it accepts in one wake-up (64). */
    static final int BURST_PER_LOOP = 80;
    /** Longest time the loops are held while a burst queues. */
    static final long HOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /**
     * After a burst the traffic rests: once its connections have ended, nothing is sent for this long,
     * and a timer of ours is due in the middle of it. A loop then wakes with no I/O ready and no
     * connection left, as an idle node's loops do.
     */
    static final long REST_NANOS = TimeUnit.MILLISECONDS.toNanos(30);
    static final long IO_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * At the end, how long the connections and datagrams under way get to finish: ended in their own
     * order, not all cut at once, they take the relay through no path it has not compiled yet (a path
     * first taken then would send compiled code back to the interpreter just as the listeners open).
     */
    static final long WIND_DOWN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A UDP flow without an answer this long lost a datagram; a new flow takes its place. */
    static final long DATAGRAM_LOST_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** Every fourth connection comes from a client address of its own, out of this many. */
    static final int NEW_CLIENT_ADDRESSES = 40_000;

    /** How a connection ends. */
    enum Script {
        /** One request and its reply; the server closes (HTTP with Connection: close) and the client reads the FIN. */
        SERVER_CLOSES(EchoServers.CLOSE),
        /** The same, but the client closes as soon as the reply is in, racing the server's FIN (as wrk and browsers do). */
        CLIENT_CLOSES_AT_REPLY(EchoServers.CLOSE),
        /** Many exchanges, then the client's FIN and the server's in answer. */
        KEPT_HALF_CLOSED(EchoServers.KEEP),
        /** Many exchanges, then the client closes outright. */
        KEPT_CLOSED(EchoServers.KEEP),
        /** The client resets the connection right after its request (SO_LINGER 0). */
        CLIENT_RESETS(EchoServers.KEEP),
        /** The server resets the connection after its reply; the client may see the reply or not. */
        SERVER_RESETS(EchoServers.RESET);

        final byte request;

        Script(byte request) {
            this.request = request;
        }

        static Script of(int connection) {
            return switch (connection % SCRIPT_CYCLE) {
                case 0 -> KEPT_HALF_CLOSED;
                case 1 -> KEPT_CLOSED;
                case 2 -> CLIENT_RESETS;
                case 3 -> SERVER_RESETS;
                default -> (connection & 1) == 0 ? SERVER_CLOSES : CLIENT_CLOSES_AT_REPLY;
            };
        }
    }

    private final List<InetSocketAddress> tcpServices;
    private final InetSocketAddress udpService;
    private final EventLoopGroup loops;
    private final Selector selector;
    private final ByteBuffer input = ByteBuffer.allocateDirect(64 * 1024);
    /** Each script's request, written through a duplicate. */
    private final Map<Script, ByteBuffer> requests = new EnumMap<>(Script.class);
    private boolean newClientAddresses;
    private volatile boolean stop;
    private volatile IOException failure;
    private int started;
    private int inFlight;
    private long restUntil;
    private boolean resting;
    private int nextBurst = CONNECTIONS_BETWEEN_BURSTS;
    private volatile int connections;
    private volatile int exchanges;
    private volatile int datagrams;

    Traffic(List<InetSocketAddress> tcpServices, InetSocketAddress udpService, EventLoopGroup loops) throws IOException {
        this.tcpServices = tcpServices;
        this.udpService = udpService;
        this.loops = loops;
        this.selector = Selector.open();
        this.newClientAddresses = tcpServices.getFirst().getAddress() instanceof Inet4Address address
                && address.isLoopbackAddress();
        for (Script script : Script.values()) {
            ByteBuffer request = ByteBuffer.allocateDirect(EchoServers.REQUEST_BYTES);
            request.put(0, script.request);
            requests.put(script, request);
        }
    }

    int connections() {
        return connections;
    }

    int exchanges() {
        return exchanges;
    }

    int datagrams() {
        return datagrams;
    }

    /** Why the traffic stopped before it was told to, or null. */
    IOException failure() {
        return failure;
    }

    void stop() {
        stop = true;
        selector.wakeup();
    }

    @Override
    public void run() {
        ThreadPriority.lowerThisThreadToTheLowest();
        try {
            for (int i = 0; i < UDP_FLOWS; i++) {
                new Flow(); // registers itself with the selector
            }
            long nextTimeoutScan = System.nanoTime();
            while (!stop) {
                long now = System.nanoTime();
                if (resting && inFlight == 0 && restUntil == Long.MAX_VALUE) {
                    idle();
                }
                if (resting && now >= restUntil) {
                    resting = false;
                    topUpFlows();
                }
                if (!resting) {
                    while (inFlight < CONCURRENCY) {
                        connect(Script.of(started));
                    }
                }
                if (connections >= nextBurst) {
                    nextBurst += CONNECTIONS_BETWEEN_BURSTS;
                    burst();
                    rest();
                }
                selector.select(10);
                handleReady();
                if (now >= nextTimeoutScan) {
                    nextTimeoutScan = now + TimeUnit.MILLISECONDS.toNanos(50);
                    checkTimeouts(now);
                }
            }
            windDown();
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = new IOException(e);
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
        }
    }

    /** Starts nothing new and lets what is under way finish, for at most {@link #WIND_DOWN_NANOS}. */
    private void windDown() throws IOException {
        resting = true;
        long deadline = System.nanoTime() + WIND_DOWN_NANOS;
        while (System.nanoTime() < deadline && (inFlight > 0 || datagramsInFlight() > 0)) {
            selector.select(10);
            handleReady();
        }
    }

    private int datagramsInFlight() {
        int waiting = 0;
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Flow flow) {
                waiting += flow.sent - flow.received;
            }
        }
        return waiting;
    }

    private void handleReady() throws IOException {
        for (SelectionKey key : selector.selectedKeys()) {
            if (!key.isValid()) {
                continue;
            }
            if (key.attachment() instanceof Connection connection) {
                connection.ready(key);
            } else {
                ((Flow) key.attachment()).ready();
            }
        }
        selector.selectedKeys().clear();
    }

    private void checkTimeouts(long now) throws IOException {
        for (SelectionKey key : List.copyOf(selector.keys())) {
            if (!key.isValid()) {
                continue;
            }
            if (key.attachment() instanceof Connection connection && now - connection.lastProgress > IO_TIMEOUT_NANOS) {
                throw new SocketException("a warm-up connection (" + connection.script + ") got no answer within "
                        + TimeUnit.NANOSECONDS.toMillis(IO_TIMEOUT_NANOS) + "ms");
            }
            if (key.attachment() instanceof Flow flow && now - flow.lastProgress > DATAGRAM_LOST_NANOS) {
                flow.replace();
            }
        }
    }

    /**
     * Holds every event loop while {@link #BURST_PER_LOOP} connections per loop complete their
     * handshakes and send their requests, so each listener then finds more waiting than it accepts
     * in one wake-up, as after a failover or in a reconnect storm.
     */
    private void burst() throws IOException {
        List<EventExecutor> executors = new ArrayList<>();
        loops.forEach(executors::add);
        CountDownLatch held = new CountDownLatch(executors.size());
        CountDownLatch release = new CountDownLatch(1);
        try {
            for (EventExecutor loop : executors) {
                loop.execute(() -> {
                    held.countDown();
                    await(release, HOLD_NANOS);
                });
            }
            if (!await(held, HOLD_NANOS)) {
                return;
            }
            List<Connection> burst = new ArrayList<>();
            for (int i = 0; i < BURST_PER_LOOP * executors.size(); i++) {
                burst.add(connect(Script.CLIENT_CLOSES_AT_REPLY));
            }
            long deadline = System.nanoTime() + HOLD_NANOS / 2;
            while (System.nanoTime() < deadline && burst.stream().anyMatch(Connection::connecting)) {
                selector.select(5);
                handleReady();
            }
        } finally {
            release.countDown();
        }
    }

    /** No new traffic until the connections under way have ended, and {@link #REST_NANOS} after that. */
    private void rest() {
        resting = true;
        restUntil = Long.MAX_VALUE;
    }

    private void idle() {
        restUntil = System.nanoTime() + REST_NANOS;
        for (EventExecutor loop : loops) {
            loop.schedule(() -> { }, REST_NANOS / 2, TimeUnit.NANOSECONDS);
        }
    }

    private void topUpFlows() throws IOException {
        for (SelectionKey key : List.copyOf(selector.keys())) {
            if (key.isValid() && key.attachment() instanceof Flow flow) {
                flow.topUp();
            }
        }
    }

    private Connection connect(Script script) throws IOException {
        int index = started++;
        InetSocketAddress service = tcpServices.get(((index >> 1) + index / SCRIPT_CYCLE) & 1);
        SocketChannel channel = SocketChannel.open();
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (newClientAddresses && (index & 3) == 3) {
                bindNewClientAddress(channel, index >> 2);
            }
            Connection connection = new Connection(channel, script);
            inFlight++;
            if (channel.connect(service)) {
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                connection.connected();
            } else {
                connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
            }
            return connection;
        } catch (IOException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** 127.77.x.y: a client the services have not seen yet; where the host does not allow it, none. */
    private void bindNewClientAddress(SocketChannel channel, int client) {
        int n = client % NEW_CLIENT_ADDRESSES;
        byte[] address = {127, 77, (byte) (1 + n / 200), (byte) (1 + n % 200)};
        try {
            channel.bind(new InetSocketAddress(InetAddress.getByAddress(address), 0));
        } catch (IOException e) {
            newClientAddresses = false;
        }
    }

    /** One TCP connection through the relay, playing its {@link Script}. */
    private final class Connection {
        final SocketChannel channel;
        final Script script;
        SelectionKey key;
        long lastProgress = System.nanoTime();
        int exchangesDone;
        int replyLeft;
        boolean awaitingFin;

        Connection(SocketChannel channel, Script script) {
            this.channel = channel;
            this.script = script;
        }

        boolean connecting() {
            return key.isValid() && (key.interestOps() & SelectionKey.OP_CONNECT) != 0;
        }

        void ready(SelectionKey readyKey) throws IOException {
            lastProgress = System.nanoTime();
            if (readyKey.isConnectable()) {
                try {
                    if (!channel.finishConnect()) {
                        return;
                    }
                } catch (IOException e) {
                    throw new SocketException("a warm-up connection was refused: " + e.getMessage());
                }
                key.interestOps(SelectionKey.OP_READ);
                connected();
                return;
            }
            read();
        }

        void connected() throws IOException {
            send();
            if (script == Script.CLIENT_RESETS) {
                reset();
            }
        }

        private void send() throws IOException {
            ByteBuffer request = requests.get(script).duplicate().clear();
            channel.write(request);
            if (request.hasRemaining()) {
                // A fresh socket's buffer takes 96 bytes at once; anything else is a fault of its own.
                throw new SocketException("a warm-up request did not fit its socket's buffer");
            }
            replyLeft = EchoServers.REPLY_BYTES;
        }

        private void read() throws IOException {
            while (true) {
                input.clear();
                int read;
                try {
                    read = channel.read(input);
                } catch (IOException e) {
                    if (script == Script.SERVER_RESETS) {
                        done();
                        return;
                    }
                    throw new SocketException("a warm-up connection (" + script + ", after " + exchangesDone
                            + " exchanges, " + replyLeft + " bytes of the reply missing" + (awaitingFin ? ", awaiting the FIN" : "")
                            + ") failed: " + e.getMessage());
                }
                if (read == 0) {
                    return;
                }
                if (read < 0) {
                    if (awaitingFin || script == Script.SERVER_RESETS) {
                        done();
                        return;
                    }
                    throw new SocketException("a warm-up connection (" + script + ") ended before its reply");
                }
                if (awaitingFin || read > replyLeft) {
                    throw new SocketException("a warm-up connection (" + script + ") got more than its reply");
                }
                replyLeft -= read;
                if (replyLeft == 0 && replied()) {
                    return;
                }
            }
        }

        /** The reply is in: what the script does next; true when the connection is done. */
        private boolean replied() throws IOException {
            switch (script) {
                case SERVER_CLOSES, SERVER_RESETS -> awaitingFin = true;
                case CLIENT_CLOSES_AT_REPLY -> {
                    done();
                    return true;
                }
                case KEPT_HALF_CLOSED, KEPT_CLOSED -> {
                    exchanges++;
                    if (++exchangesDone < EXCHANGES_PER_KEPT_CONNECTION) {
                        send();
                    } else if (script == Script.KEPT_CLOSED) {
                        done();
                        return true;
                    } else {
                        channel.shutdownOutput();
                        awaitingFin = true;
                    }
                }
                case CLIENT_RESETS -> throw new IllegalStateException("a reset connection has no reply");
            }
            return false;
        }

        private void reset() throws IOException {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            done();
        }

        private void done() {
            closeQuietly(channel);
            inFlight--;
            connections++;
        }
    }

    /** One UDP flow: a client port with datagrams in flight, replaced by a new one after {@link #DATAGRAMS_PER_FLOW}. */
    private final class Flow {
        private final DatagramChannel channel;
        private final ByteBuffer datagram = ByteBuffer.allocateDirect(64);
        long lastProgress = System.nanoTime();
        private int sent;
        private int received;

        Flow() throws IOException {
            channel = DatagramChannel.open();
            try {
                channel.configureBlocking(false);
                channel.bind(new InetSocketAddress(udpService.getAddress(), 0));
                channel.connect(udpService);
                channel.register(selector, SelectionKey.OP_READ, this);
                for (int i = 0; i < DATAGRAMS_IN_FLIGHT; i++) {
                    send();
                }
            } catch (IOException e) {
                closeQuietly(channel);
                throw e;
            }
        }

        private void send() throws IOException {
            channel.write(datagram.clear());
            sent++;
        }

        void ready() throws IOException {
            try {
                while (channel.read(input.clear()) > 0) {
                    lastProgress = System.nanoTime();
                    received++;
                    datagrams++;
                    if (received >= DATAGRAMS_PER_FLOW) {
                        if (!resting) {
                            replace();
                        }
                        return;
                    }
                    if (sent < DATAGRAMS_PER_FLOW && !resting) {
                        send();
                    }
                }
            } catch (IOException e) {
                // An ICMP unreachable answer on this flow: a new flow goes on.
                replace();
            }
        }

        /** After a rest: as many datagrams in flight as before it. */
        void topUp() throws IOException {
            while (sent - received < DATAGRAMS_IN_FLIGHT && sent < DATAGRAMS_PER_FLOW) {
                send();
            }
            lastProgress = System.nanoTime();
        }

        /** Ends this flow and starts another from a new port. */
        void replace() throws IOException {
            closeQuietly(channel);
            new Flow(); // registers itself with the selector
        }
    }

    private static boolean await(CountDownLatch latch, long nanos) {
        try {
            return latch.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Nothing more to release.
        }
    }
}
