package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.report.NodeStatus;
import io.fulcrum.proto.v1.ConfigSyncGrpc;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeHello;
import io.fulcrum.proto.v1.NodeMessage;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds one Sync stream to the control plane: says hello, applies every snapshot it receives
 * (in order, on one thread) and answers it, sends reports, and reconnects forever with capped,
 * jittered backoff while the node keeps serving what it has.
 */
public final class ControlPlaneClient implements AutoCloseable {
    static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    // Full snapshots of large configurations exceed gRPC's 4 MiB default.
    static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;
    static final Duration APPLIED_QUIET = Duration.ofMillis(200);
    private static final System.Logger LOG = System.getLogger(ControlPlaneClient.class.getName());

    private final ManagedChannel channel;
    private final NodeIdentity identity;
    private final SnapshotApplier applier;
    private final Runnable onApplied;
    private final Backoff backoff = new Backoff(MIN_BACKOFF, MAX_BACKOFF);
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fulcrum-control-plane");
        thread.setDaemon(true);
        return thread;
    });
    private volatile SyncSession session;
    // Touched only on the worker thread.
    private ScheduledFuture<?> pendingApplied;
    private volatile boolean closed;

    /**
     * @param onApplied called once snapshots were answered and no other arrived for {@link #APPLIED_QUIET}
     *                  (e.g. to report the new version soon)
     */
    public ControlPlaneClient(String target, NodeIdentity identity, SnapshotApplier applier, Runnable onApplied) {
        this(target, InsecureChannelCredentials.create(), identity, applier, onApplied);
    }

    /** @param credentials plain text, or mutual TLS (ControlPlaneTls) */
    public ControlPlaneClient(String target, ChannelCredentials credentials, NodeIdentity identity,
                              SnapshotApplier applier, Runnable onApplied) {
        this.channel = Grpc.newChannelBuilder(target, credentials)
                .maxInboundMessageSize(MAX_SNAPSHOT_BYTES)
                // Notices a control plane that vanished without closing the connection. gRPC servers
                // refuse pings more often than every 5 minutes by default, hence 6.
                .keepAliveTime(6, TimeUnit.MINUTES)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .build();
        this.identity = identity;
        this.applier = applier;
        this.onApplied = onApplied;
    }

    public void start() {
        worker.execute(this::connect);
    }

    /** Whether a stream is currently open. */
    public boolean connected() {
        return session != null;
    }

    /** Sends a report on the open stream, if there is one and it can take it now. */
    public void report(NodeStatus status) {
        SyncSession current = session;
        if (current != null) {
            current.sendIfReady(NodeMessage.newBuilder().setReport(ProtoMapper.toReport(status)).build());
        }
    }

    // Runs on the worker thread.
    private void connect() {
        if (closed) {
            return;
        }
        long startedAt = System.nanoTime();
        ResponseHandler handler = new ResponseHandler(startedAt);
        ConfigSyncGrpc.newStub(channel).sync(handler);
        session = handler.session;
        handler.session.send(NodeMessage.newBuilder().setHello(NodeHello.newBuilder()
                .setNodeId(identity.nodeId())
                .setAppliedVersion(applier.appliedVersion())
                .setHostname(identity.hostname())
                .setSoftwareVersion(identity.softwareVersion())).build());
        LOG.log(Level.DEBUG, "opened stream to the control plane, applied version " + applier.appliedVersion());
    }

    /** Receives what the control plane sends on one stream. */
    private final class ResponseHandler implements ClientResponseObserver<NodeMessage, ControlMessage> {
        private final long startedAt;
        private SyncSession session;

        ResponseHandler(long startedAt) {
            this.startedAt = startedAt;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<NodeMessage> requests) {
            session = new SyncSession(requests);
        }

        @Override
        public void onNext(ControlMessage message) {
            if (message.hasSnapshot()) {
                io.fulcrum.proto.v1.Snapshot snapshot = message.getSnapshot();
                worker.execute(() -> handleSnapshot(session, snapshot));
            }
        }

        @Override
        public void onError(Throwable error) {
            ended(session, startedAt, describe(error));
        }

        @Override
        public void onCompleted() {
            ended(session, startedAt, "stream completed by the control plane");
        }
    }

    /** The status and, for a refused handshake, what TLS said (a certificate refused, or not trusted). */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error || root.getMessage() == null ? error.toString() : error + ": " + root.getMessage();
    }

    private void handleSnapshot(SyncSession from, io.fulcrum.proto.v1.Snapshot snapshot) {
        backoff.reset();
        NodeMessage answer = applier.apply(snapshot);
        from.send(answer);
        // Once pushes pause: a report of a large configuration costs about as much as applying a
        // push, so one per push slowed bursts of writes on both planes; the ack already carries the version.
        if (pendingApplied != null) {
            pendingApplied.cancel(false);
        }
        if (!closed) {
            pendingApplied = worker.schedule(onApplied, APPLIED_QUIET.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void ended(SyncSession mine, long startedAt, String why) {
        mine.markEnded();
        worker.execute(() -> {
            if (session == mine) {
                session = null;
            }
            if (closed) {
                return;
            }
            // A stream that lived a while was healthy: start the backoff over.
            if (System.nanoTime() - startedAt > TimeUnit.SECONDS.toNanos(10)) {
                backoff.reset();
            }
            Duration delay = backoff.next();
            LOG.log(Level.WARNING, "control plane stream ended (" + why + "); reconnecting in "
                    + delay.toMillis() + "ms");
            worker.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    @Override
    public void close() {
        closed = true;
        SyncSession current = session;
        if (current != null) {
            current.close();
        }
        worker.shutdownNow();
        channel.shutdownNow();
        try {
            channel.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
