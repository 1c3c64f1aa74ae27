package io.fulcrum.dataplane.peers;

import io.fulcrum.dataplane.balance.PersistenceTable.SharedEntry;
import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.controlplane.Backoff;
import io.fulcrum.proto.v1.PeeringSummary;
import io.fulcrum.proto.v1.PersistenceBatch;
import io.fulcrum.proto.v1.PersistencePeeringGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's stream to one peer. What is due to the peer waits in a set of keys, resolved to the
 * entry's state only when it is sent, so a slow or unreachable peer costs at most one key per entry,
 * never a growing queue; each new stream starts with every key of every table (the whole table, for a
 * peer that restarted or was cut off). The stream is re-opened forever with capped, jittered backoff.
 * Everything but the gRPC callbacks runs on the replication worker thread.
 */
final class PeerLink {
    private static final System.Logger LOG = System.getLogger(PeerLink.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    /** A peer that vanished (host down, cable cut) is noticed within about this plus the ping timeout. */
    static final Duration KEEPALIVE = Duration.ofSeconds(2);

    private final PeerGroup.Peer peer;
    private final ManagedChannel channel;
    private final ScheduledExecutorService worker;
    private final PersistenceDirectory directory;
    private final Backoff backoff = new Backoff(MIN_BACKOFF, MAX_BACKOFF);
    private final LinkedHashSet<EntryKey> due = new LinkedHashSet<>();
    private ClientCallStreamObserver<PersistenceBatch> stream;
    private boolean fullTable;
    private boolean closed;
    private String lastFailure;
    private volatile boolean up;

    PeerLink(PeerGroup.Peer peer, ChannelCredentials credentials, ScheduledExecutorService worker,
             PersistenceDirectory directory) {
        this.peer = peer;
        this.worker = worker;
        this.directory = directory;
        this.channel = NettyChannelBuilder.forAddress(peer.address(), credentials)
                .keepAliveTime(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveTimeout(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS)
                .keepAliveWithoutCalls(true)
                .build();
    }

    PeerGroup.Peer peer() {
        return peer;
    }

    /** Whether a stream to the peer is open right now. */
    boolean up() {
        return up;
    }

    void start() {
        worker.execute(this::open);
    }

    /** Notes keys for the peer and sends what the stream can take now. */
    void offer(Collection<EntryKey> keys) {
        due.addAll(keys);
        send();
    }

    private void open() {
        if (closed) {
            return;
        }
        channel.resetConnectBackoff();
        Handler handler = new Handler();
        PersistencePeeringGrpc.newStub(channel).replicate(handler);
        stream = handler.requests;
        fullTable = true;
        directory.forEachService((name, selector) -> addAllKeys(name, selector));
        send();
    }

    private void addAllKeys(String name, RealServerSelector selector) {
        if (selector.persistent()) {
            selector.persistence().forEachShared(entry -> due.add(new EntryKey(name, entry.client())));
        }
    }

    /** Sends batches while the stream takes them; the rest waits for its next onReady. */
    private void send() {
        while (stream != null && !due.isEmpty() && stream.isReady()) {
            PersistenceBatch.Builder batch = PersistenceBatch.newBuilder().setFullTable(fullTable);
            for (Iterator<EntryKey> it = due.iterator(); it.hasNext()
                    && batch.getEntriesCount() < PersistenceEntries.MAX_BATCH_ENTRIES; ) {
                EntryKey key = it.next();
                it.remove();
                RealServerSelector selector = directory.selector(key.virtualService());
                SharedEntry entry = selector == null ? null : selector.persistence().shared(key.client());
                if (entry != null) {
                    batch.addEntries(PersistenceEntries.toProto(key.virtualService(), entry));
                }
            }
            if (batch.getEntriesCount() > 0) {
                stream.onNext(batch.build());
            }
        }
        if (fullTable && due.isEmpty() && stream != null && stream.isReady()) {
            stream.onNext(PersistenceBatch.newBuilder().setFullTable(true).setFullTableEnd(true).build());
            fullTable = false;
        }
    }

    private void ended(ClientCallStreamObserver<PersistenceBatch> which, String reason) {
        if (which != stream) {
            return;
        }
        stream = null;
        boolean wasUp = up;
        up = false;
        due.clear();
        if (closed) {
            return;
        }
        if (wasUp || !reason.equals(lastFailure)) {
            LOG.log(Level.WARNING, "peer " + peer + ": link down (" + reason + "); retrying");
        }
        lastFailure = reason;
        worker.schedule(this::open, backoff.next().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ready(ClientCallStreamObserver<PersistenceBatch> which) {
        if (which != stream) {
            return;
        }
        if (!up) {
            up = true;
            backoff.reset();
            lastFailure = null;
            LOG.log(Level.INFO, "peer " + peer + ": link up, sending the whole table");
        }
        send();
    }

    void close() {
        closed = true;
        if (stream != null) {
            stream.onCompleted();
            stream = null;
        }
        up = false;
        channel.shutdown();
    }

    void awaitClosed(Duration within) throws InterruptedException {
        if (!channel.awaitTermination(within.toMillis(), TimeUnit.MILLISECONDS)) {
            channel.shutdownNow();
        }
    }

    private void onWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // The node is stopping: nothing left to do for this stream.
        }
    }

    /** The status code and the innermost cause, on one line (a refused certificate, a refused connect). */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return io.grpc.Status.fromThrowable(error).getCode() + ": " + detail.lines().findFirst().orElse("");
    }

    private final class Handler implements ClientResponseObserver<PersistenceBatch, PeeringSummary> {
        private ClientCallStreamObserver<PersistenceBatch> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<PersistenceBatch> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(() -> onWorker(() -> ready(requestStream)));
        }

        @Override
        public void onNext(PeeringSummary summary) {
            // The peer ends the stream only when it stops or refuses a batch; onError/onCompleted follow.
        }

        @Override
        public void onError(Throwable error) {
            onWorker(() -> ended(requests, describe(error)));
        }

        @Override
        public void onCompleted() {
            onWorker(() -> ended(requests, "the peer ended the stream"));
        }
    }
}
