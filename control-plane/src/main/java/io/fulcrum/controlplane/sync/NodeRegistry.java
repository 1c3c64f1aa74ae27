package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.snapshot.SnapshotCache;
import io.fulcrum.controlplane.snapshot.SnapshotPublished;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeHello;
import io.fulcrum.proto.v1.Snapshot;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Everything known about data-plane nodes, connected or not, kept in memory. All state is guarded
 * by this object's monitor, which also wakes writers waiting for nodes to apply a version; streams
 * are written to only outside the monitor.
 */
@ApplicationScoped
public class NodeRegistry {

    private final Map<String, Node> nodes = new TreeMap<>();

    @Inject
    SnapshotCache cache;

    /** Mutable per-node state; survives reconnects so refused versions are never resent. */
    private static final class Node {
        final String id;
        final Set<Long> refusedVersions = new HashSet<>();
        NodeSession session;
        String hostname;
        String softwareVersion;
        Instant connectedAt;
        Instant lastReport;
        long appliedVersion;
        NodeView.Nack lastNack;
        NodeStats stats;

        Node(String id) {
            this.id = id;
        }
    }

    /** Registers the stream of a node that said hello, replacing an older stream of the same node. */
    NodeSession connect(NodeHello hello, StreamObserver<ControlMessage> out) {
        NodeSession session = new NodeSession(hello.getNodeId(), out);
        NodeSession replaced;
        synchronized (this) {
            Node node = nodes.computeIfAbsent(hello.getNodeId(), Node::new);
            replaced = node.session;
            node.session = session;
            node.hostname = hello.getHostname();
            node.softwareVersion = hello.getSoftwareVersion();
            node.connectedAt = Instant.now();
            node.appliedVersion = hello.getAppliedVersion();
            notifyAll();
        }
        if (replaced != null) {
            replaced.close(Status.ABORTED.withDescription("replaced by a newer stream of node " + hello.getNodeId()));
        }
        // Registered before reading the cache: a publication racing with this hello reaches the
        // node either through broadcast or here, and the session drops whichever comes second.
        Snapshot current = cache.current();
        if (current != null && current.getVersion() != hello.getAppliedVersion()) {
            session.send(current, version -> refused(hello.getNodeId(), version));
        }
        return session;
    }

    synchronized void disconnect(NodeSession session) {
        Node node = nodes.get(session.nodeId());
        if (node != null && node.session == session) {
            node.session = null;
            node.stats = null;
            notifyAll();
        }
    }

    synchronized void ack(NodeSession session, long version) {
        Node node = current(session);
        if (node != null) {
            node.appliedVersion = Math.max(node.appliedVersion, version);
            notifyAll();
        }
    }

    synchronized void nack(NodeSession session, long version, String reason) {
        Node node = current(session);
        if (node != null) {
            node.refusedVersions.add(version);
            node.lastNack = new NodeView.Nack(version, reason, Instant.now().toString());
            notifyAll();
        }
    }

    synchronized void report(NodeSession session, NodeStats stats) {
        Node node = current(session);
        if (node != null) {
            node.stats = stats;
            node.lastReport = stats.receivedAt();
        }
    }

    void onPublished(@Observes SnapshotPublished published) {
        List<NodeSession> sessions = new ArrayList<>();
        synchronized (this) {
            nodes.values().stream().filter(node -> node.session != null).forEach(node -> sessions.add(node.session));
        }
        for (NodeSession session : sessions) {
            session.send(published.snapshot(), version -> refused(session.nodeId(), version));
        }
    }

    public synchronized List<NodeView> nodes() {
        return nodes.values().stream().map(node -> new NodeView(node.id, node.session != null, node.hostname,
                node.softwareVersion, text(node.connectedAt), text(node.lastReport), node.appliedVersion,
                node.lastNack)).toList();
    }

    /** Latest report of every connected node that has reported, by node id. */
    public synchronized Map<String, NodeStats> connectedStats() {
        Map<String, NodeStats> stats = new LinkedHashMap<>();
        nodes.values().stream().filter(node -> node.session != null && node.stats != null)
                .forEach(node -> stats.put(node.id, node.stats));
        return stats;
    }

    /**
     * Blocks (on a worker thread) until every connected node applied {@code version} or the time is
     * up; answers the Fulcrum-Sync header: "applied" or "pending; nodes=a,b(nack)".
     */
    public synchronized String awaitApplied(long version, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            List<String> pending = pending(version);
            long remaining = deadline - System.nanoTime();
            if (pending.isEmpty()) {
                return "applied";
            }
            if (remaining <= 0) {
                return "pending; nodes=" + String.join(",", pending);
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "pending; nodes=" + String.join(",", pending);
            }
        }
    }

    private List<String> pending(long version) {
        List<String> pending = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (node.session == null || node.appliedVersion >= version) {
                continue;
            }
            boolean refused = node.refusedVersions.stream().anyMatch(v -> v >= version);
            pending.add(refused ? node.id + "(nack)" : node.id);
        }
        return pending;
    }

    private synchronized boolean refused(String nodeId, long version) {
        Node node = nodes.get(nodeId);
        return node != null && node.refusedVersions.contains(version);
    }

    private Node current(NodeSession session) {
        Node node = nodes.get(session.nodeId());
        return node != null && node.session == session ? node : null;
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
