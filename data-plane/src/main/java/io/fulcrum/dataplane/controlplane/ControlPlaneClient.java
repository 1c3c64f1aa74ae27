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
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Holds one Sync stream to the control plane: says hello, applies every snapshot it receives
 * (in order, on one thread) and answers it, sends reports, and reconnects forever with capped,
 * jittered backoff while the node keeps serving what it has. Given several control-plane instances
 * (active-active on one database), each attempt after a stream ended goes to the next one, so a
 * node whose instance died is on another within one backoff step. The backoff is this class's alone:
 * each attempt first resets the channel's own connect backoff, which would otherwise grow to two
 * minutes during a long outage and delay the reconnect long after the control plane is back.
 * An outage is logged when it starts, when its reason changes, and when it ends.
 */
public final class ControlPlaneClient implements AutoCloseable {
    static final Duration MIN_BACKOFF = Duration.ofMillis(200);
    /**
     * A control plane that is reachable again is reached within this plus one connect and hello: the
     * 2 s promised, with a second to spare for a busy host or a control plane that has just started.
     */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    /** A stream open this long counts as established: the outage (if any) is over. */
    static final Duration ESTABLISHED = Duration.ofSeconds(2);
    // Full snapshots of large configurations exceed gRPC's 4 MiB default.
    static final int MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;
    static final Duration APPLIED_QUIET = Duration.ofMillis(200);
    private static final System.Logger LOG = System.getLogger(ControlPlaneClient.class.getName());

    private final List<String> targets;
    private final List<ManagedChannel> channels;
    // The instance the current or next attempt goes to; touched only on the worker thread.
    private int currentTarget;
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
    /** When the current outage began (nanoTime), or 0 while connected; touched only on the worker thread. */
    private long outageSince;
    private String outageReason;
    private int failedAttempts;
    private volatile boolean closed;

    /**
     * @param onApplied called once snapshots were answered and no other arrived for {@link #APPLIED_QUIET}
     *                  (e.g. to report the new version soon)
     */
    public ControlPlaneClient(String target, NodeIdentity identity, SnapshotApplier applier, Runnable onApplied) {
        this(List.of(target), InsecureChannelCredentials.create(), identity, applier, onApplied);
    }

    /**
     * @param targets     HOST:PORT of each control-plane instance, tried in this order
     * @param credentials plain text, or mutual TLS (ControlPlaneTls)
     */
    public ControlPlaneClient(List<String> targets, ChannelCredentials credentials, NodeIdentity identity,
                              SnapshotApplier applier, Runnable onApplied) {
        this.targets = List.copyOf(targets);
        this.channels = this.targets.stream().map(target -> Grpc.newChannelBuilder(target, credentials)
                .maxInboundMessageSize(MAX_SNAPSHOT_BYTES)
                // Notices a control plane that vanished without closing the connection. gRPC servers
                // refuse pings more often than every 5 minutes by default, hence 6.
                .keepAliveTime(6, TimeUnit.MINUTES)
                .keepAliveTimeout(20, TimeUnit.SECONDS)
                .build()).toList();
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
        ManagedChannel channel = channels.get(currentTarget);
        // Connect now, not when gRPC's own (exponential, up to 120 s) reconnect timer says so.
        channel.resetConnectBackoff();
        ResponseHandler handler = new ResponseHandler();
        ConfigSyncGrpc.newStub(channel).sync(handler);
        session = handler.session;
        worker.schedule(() -> established(handler.session), ESTABLISHED.toMillis(), TimeUnit.MILLISECONDS);
        handler.session.send(NodeMessage.newBuilder().setHello(NodeHello.newBuilder()
                .setNodeId(identity.nodeId())
                .setAppliedVersion(applier.appliedVersion())
                .setHostname(identity.hostname())
                .setSoftwareVersion(identity.softwareVersion())
                .setReportIntervalMs((int) Math.min(Integer.MAX_VALUE, identity.reportInterval().toMillis()))).build());
        LOG.log(Level.DEBUG, "opened stream to the control plane at " + targets.get(currentTarget)
                + ", applied version " + applier.appliedVersion());
    }

    /** Receives what the control plane sends on one stream. */
    private final class ResponseHandler implements ClientResponseObserver<NodeMessage, ControlMessage> {
        private SyncSession session;

        @Override
        public void beforeStart(ClientCallStreamObserver<NodeMessage> requests) {
            session = new SyncSession(requests);
        }

        @Override
        public void onNext(ControlMessage message) {
            if (message.hasSnapshot()) {
                io.fulcrum.proto.v1.Snapshot snapshot = message.getSnapshot();
                onWorker(() -> handleSnapshot(session, snapshot));
            }
        }

        @Override
        public void onError(Throwable error) {
            ended(session, describe(error));
        }

        @Override
        public void onCompleted() {
            ended(session, "stream completed by the control plane");
        }
    }

    /** Runs on the worker thread; once closed (a stream ending as the node stops) there is nothing to do. */
    private void onWorker(Runnable task) {
        try {
            worker.execute(task);
        } catch (RejectedExecutionException stopping) {
            if (!closed) {
                throw stopping;
            }
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

    // Runs on the worker thread.
    private void established(SyncSession mine) {
        if (session != mine || mine.ended() || closed) {
            return;
        }
        backoff.reset();
        if (outageSince != 0) {
            LOG.log(Level.INFO, "control plane stream restored (" + targets.get(currentTarget) + ") after "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageSince) + "ms (" + failedAttempts
                    + " failed attempts)");
        }
        outageSince = 0;
        outageReason = null;
        failedAttempts = 0;
    }

    private void ended(SyncSession mine, String why) {
        mine.markEnded();
        onWorker(() -> {
            if (session == mine) {
                session = null;
            }
            if (closed) {
                return;
            }
            Duration delay = backoff.next();
            failedAttempts++;
            String from = targets.get(currentTarget);
            currentTarget = (currentTarget + 1) % targets.size();
            if (outageSince == 0) {
                outageSince = System.nanoTime();
                LOG.log(Level.WARNING, "control plane stream to " + from + " ended (" + why + "); retrying "
                        + (targets.size() > 1 ? "the control-plane instances in turn " : "") + "every "
                        + MAX_BACKOFF.toMillis() + "ms at most, serving the last good configuration meanwhile");
            } else if (!why.equals(outageReason)) {
                LOG.log(Level.WARNING, "control plane still unreachable (" + why + ")");
            } else {
                LOG.log(Level.DEBUG, "control plane still unreachable (" + why + "); next attempt in " + delay.toMillis() + "ms");
            }
            outageReason = why;
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
        channels.forEach(ManagedChannel::shutdownNow);
        try {
            for (ManagedChannel channel : channels) {
                channel.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
