package io.fulcrum.dataplane.controlplane;

import io.fulcrum.proto.v1.NodeMessage;
import io.grpc.stub.ClientCallStreamObserver;

/**
 * The sending side of one Sync stream. gRPC stream observers are not thread-safe and both the
 * snapshot thread (acks) and the reporter (reports) send, hence the lock (off the data path).
 */
final class SyncSession {
    private final ClientCallStreamObserver<NodeMessage> requests;
    private boolean closed;

    SyncSession(ClientCallStreamObserver<NodeMessage> requests) {
        this.requests = requests;
    }

    synchronized void send(NodeMessage message) {
        if (!closed) {
            onNext(message);
        }
    }

    /** Sends only when the transport can take it now; a skipped report is superseded by the next. */
    synchronized boolean sendIfReady(NodeMessage message) {
        if (closed || !requests.isReady()) {
            return false;
        }
        return onNext(message);
    }

    // The call may end underneath us; its observer's onError then schedules the reconnect.
    private boolean onNext(NodeMessage message) {
        try {
            requests.onNext(message);
            return true;
        } catch (RuntimeException e) {
            closed = true;
            return false;
        }
    }

    synchronized void close() {
        if (!closed) {
            closed = true;
            requests.cancel("node shutting down", null);
        }
    }

    synchronized void markEnded() {
        closed = true;
    }

    /** Whether the stream ended, was closed, or failed a send. */
    synchronized boolean ended() {
        return closed;
    }
}
