package io.fulcrum.controlplane.sync;

import io.fulcrum.proto.v1.ConfigSyncGrpc;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeHello;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.NodeReport;
import io.fulcrum.proto.v1.Snapshot;
import io.fulcrum.proto.v1.SnapshotAck;
import io.fulcrum.proto.v1.SnapshotNack;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A data-plane node as the tests play it: a real grpc-java client on the control plane's gRPC port. */
public final class NodeClient implements AutoCloseable {

    static final int GRPC_PORT = 9091;

    private final ManagedChannel channel;
    private final StreamObserver<NodeMessage> requests;
    private final BlockingQueue<Snapshot> snapshots = new LinkedBlockingQueue<>();
    public final CompletableFuture<Status> closed = new CompletableFuture<>();
    private final boolean autoAck;

    private NodeClient(NodeHello hello, boolean autoAck) {
        this(ManagedChannelBuilder.forAddress("127.0.0.1", GRPC_PORT).usePlaintext().build(), hello, autoAck);
    }

    private NodeClient(ManagedChannel channel, NodeHello hello, boolean autoAck) {
        this.autoAck = autoAck;
        this.channel = channel;
        requests = ConfigSyncGrpc.newStub(channel).sync(new StreamObserver<>() {
            @Override
            public void onNext(ControlMessage message) {
                snapshots.add(message.getSnapshot());
                if (NodeClient.this.autoAck) {
                    ack(message.getSnapshot().getVersion());
                }
            }

            @Override
            public void onError(Throwable error) {
                closed.complete(Status.fromThrowable(error));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        });
        send(NodeMessage.newBuilder().setHello(hello).build());
    }

    static NodeClient connect(String nodeId, long appliedVersion) {
        return new NodeClient(NodeHello.newBuilder().setNodeId(nodeId).setAppliedVersion(appliedVersion)
                .setHostname("test-host").setSoftwareVersion("test").build(), false);
    }

    static NodeClient connectAcking(String nodeId) {
        return new NodeClient(NodeHello.newBuilder().setNodeId(nodeId).setHostname("test-host").build(), true);
    }

    static NodeClient connectWith(NodeHello hello) {
        return new NodeClient(hello, false);
    }

    /** A node that says hello as {@code nodeId} over a channel with these credentials (e.g. mutual TLS). */
    public static NodeClient connectWith(ChannelCredentials credentials, String nodeId) {
        return new NodeClient(Grpc.newChannelBuilderForAddress("localhost", GRPC_PORT, credentials).build(),
                NodeHello.newBuilder().setNodeId(nodeId).setHostname("test-host").build(), true);
    }

    /** The next snapshot received, or an AssertionError when none arrives in time. */
    public Snapshot next(Duration timeout) throws InterruptedException {
        Snapshot snapshot = snapshots.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (snapshot == null) {
            throw new AssertionError("no snapshot within " + timeout);
        }
        return snapshot;
    }

    /** Skips snapshots until one with at least {@code version} arrives. */
    Snapshot nextAtLeast(long version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Snapshot snapshot = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (snapshot.getVersion() >= version) {
                return snapshot;
            }
        }
    }

    /** Snapshot received within the window, or null: for asserting that nothing is sent. */
    Snapshot poll(Duration window) throws InterruptedException {
        return snapshots.poll(window.toMillis(), TimeUnit.MILLISECONDS);
    }

    void ack(long version) {
        send(NodeMessage.newBuilder().setAck(SnapshotAck.newBuilder().setVersion(version)).build());
    }

    void nack(long version, String reason) {
        send(NodeMessage.newBuilder().setNack(SnapshotNack.newBuilder().setVersion(version).setReason(reason)).build());
    }

    void report(NodeReport report) {
        send(NodeMessage.newBuilder().setReport(report).build());
    }

    private synchronized void send(NodeMessage message) {
        requests.onNext(message);
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (!closed.isDone()) {
                requests.onCompleted();
            }
        }
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The server did not end the stream; shutting the channel down ends it anyway.
        }
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
    }
}
