package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.api.ApiGate;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Receives the messages of one node's stream: a hello first, then acks, nacks and reports.
 * gRPC delivers them one at a time, so the fields here need no locking; none of it blocks.
 */
final class NodeStream implements StreamObserver<NodeMessage> {

    private static final Logger LOG = Logger.getLogger(NodeStream.class);
    /** What the node table and the API can carry: a certificate CN or host name fits. */
    private static final java.util.regex.Pattern NODE_ID = java.util.regex.Pattern.compile("[!-~]{1,253}");

    private final NodeRegistry registry;
    private final StreamObserver<ControlMessage> out;
    /** The node id the peer's certificate names; empty over plain text (loopback only). */
    private final Optional<String> certifiedNodeId;
    private NodeSession session;
    private boolean rejected;

    NodeStream(NodeRegistry registry, StreamObserver<ControlMessage> out, Optional<String> certifiedNodeId) {
        this.registry = registry;
        this.out = out;
        this.certifiedNodeId = certifiedNodeId;
    }

    @Override
    public void onNext(NodeMessage message) {
        if (rejected) {
            return;
        }
        if (session == null) {
            if (!message.hasHello() || message.getHello().getNodeId().isBlank()) {
                rejected = true;
                out.onError(Status.INVALID_ARGUMENT
                        .withDescription("the first message must be a NodeHello with a node_id").asRuntimeException());
                return;
            }
            if (!NODE_ID.matcher(message.getHello().getNodeId()).matches()) {
                rejected = true;
                out.onError(Status.INVALID_ARGUMENT.withDescription("node_id must be 1 to 253 printable ASCII"
                        + " characters without spaces").asRuntimeException());
                return;
            }
            String claimed = message.getHello().getNodeId();
            if (certifiedNodeId.isPresent() && !certifiedNodeId.get().equals(claimed)) {
                rejected = true;
                LOG.warnf("Refused a node whose certificate names %s but whose hello claims %s",
                        certifiedNodeId.get(), ApiGate.shown(claimed));
                out.onError(Status.PERMISSION_DENIED.withDescription("the client certificate names node "
                        + certifiedNodeId.get() + ", not " + ApiGate.shown(claimed)).asRuntimeException());
                return;
            }
            session = registry.connect(message.getHello(), out);
            LOG.infof("Node %s connected (applied version %d)", session.nodeId(), message.getHello().getAppliedVersion());
            return;
        }
        session.heard();
        switch (message.getKindCase()) {
            case ACK -> {
                LOG.debugf("Node %s applied snapshot %d", session.nodeId(), message.getAck().getVersion());
                registry.ack(session, message.getAck().getVersion());
            }
            case NACK -> {
                LOG.warnf("Node %s refused snapshot %d: %s", session.nodeId(), message.getNack().getVersion(),
                        message.getNack().getReason());
                registry.nack(session, message.getNack().getVersion(), message.getNack().getReason());
            }
            case REPORT -> registry.report(session, message.getReport(), Instant.now());
            default -> LOG.debugf("Node %s sent an unexpected %s", session.nodeId(), message.getKindCase());
        }
    }

    @Override
    public void onError(Throwable error) {
        if (session != null) {
            LOG.infof("Node %s stream ended: %s", session.nodeId(), Status.fromThrowable(error));
            session.markClosed();
            registry.disconnect(session);
        }
    }

    @Override
    public void onCompleted() {
        if (session != null) {
            registry.disconnect(session);
            session.close(Status.OK);
        } else if (!rejected) {
            out.onCompleted();
        }
    }
}
