package io.fulcrum.controlplane.sync;

import java.time.Duration;

import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.Snapshot;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.LongPredicate;

/**
 * The sending side of one node's stream. StreamObserver is not thread-safe and snapshots are
 * pushed from the refresher thread while the gRPC thread answers the hello, so every call to the
 * observer goes through this object's monitor; versions only ever go forward.
 */
final class NodeSession {

    private final String nodeId;
    private final StreamObserver<ControlMessage> out;
    /** How long the node may send nothing before its stream is taken for dead; zero: no limit. */
    private final Duration silenceLimit;
    private volatile long lastHeardNanos = System.nanoTime();
    private long lastSentVersion = -1;
    private boolean closed;

    NodeSession(String nodeId, StreamObserver<ControlMessage> out) {
        this(nodeId, out, Duration.ZERO);
    }

    NodeSession(String nodeId, StreamObserver<ControlMessage> out, Duration silenceLimit) {
        this.nodeId = nodeId;
        this.out = out;
        this.silenceLimit = silenceLimit;
    }

    /** A message arrived from the node. */
    void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /** Whether the node sent nothing for longer than its silence limit (never, without one). */
    boolean silent(long nowNanos) {
        return !silenceLimit.isZero() && nowNanos - lastHeardNanos > silenceLimit.toNanos();
    }

    Duration silenceLimit() {
        return silenceLimit;
    }

    String nodeId() {
        return nodeId;
    }

    /** Sends the snapshot unless it is not newer than the last one sent or the node refused it before. */
    synchronized void send(Snapshot snapshot, LongPredicate refused) {
        long version = snapshot.getVersion();
        if (closed || version <= lastSentVersion || refused.test(version)) {
            return;
        }
        lastSentVersion = version;
        try {
            out.onNext(ControlMessage.newBuilder().setSnapshot(snapshot).build());
        } catch (RuntimeException e) {
            // The call was cancelled underneath us; the stream's own callbacks will unregister it.
            closed = true;
        }
    }

    /** Ends the stream from our side with {@code status}, or normally when status is OK. */
    synchronized void close(Status status) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (status.isOk()) {
                out.onCompleted();
            } else {
                out.onError(status.asRuntimeException());
            }
        } catch (RuntimeException ignored) {
            // Already cancelled by the peer: nothing left to close.
        }
    }

    /** The peer ended or broke the stream; nothing may be sent any more. */
    synchronized void markClosed() {
        closed = true;
    }
}
