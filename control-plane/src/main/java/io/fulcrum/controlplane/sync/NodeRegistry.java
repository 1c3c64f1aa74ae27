package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.snapshot.CoalescingTask;
import io.fulcrum.controlplane.snapshot.SnapshotCache;
import io.fulcrum.controlplane.snapshot.SnapshotPublished;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeHello;
import io.fulcrum.proto.v1.NodeReport;
import io.fulcrum.proto.v1.Snapshot;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Every data-plane node the installation knows, connected or not. The nodes this instance holds a
 * stream of are kept here first-hand; the node table in PostgreSQL, which every instance writes for
 * the nodes it holds and reloads when another announces a change, adds the others, so the list
 * survives restarts and is the same on every instance. All state is guarded by this object's
 * monitor; streams are written to and waiters completed only outside it.
 */
@ApplicationScoped
public class NodeRegistry {

    private static final Logger LOG = Logger.getLogger(NodeRegistry.class);
    /** How often the instance holding a node refreshes its last_seen, and reloads the table as a safety net. */
    static final Duration REFRESH_INTERVAL = Duration.ofSeconds(5);
    static final Duration SILENCE_CHECK_INTERVAL = Duration.ofMillis(250);
    static final Duration MIN_SILENCE = Duration.ofSeconds(3);
    static final Duration MAX_SILENCE = Duration.ofMinutes(5);
    /** A node another instance holds counts as connected while its row is this fresh. */
    static final Duration HELD_FRESHNESS = REFRESH_INTERVAL.multipliedBy(3);
    private static final int MAX_HOSTNAME = 253;
    private static final int MAX_SOFTWARE_VERSION = 64;
    private static final int MAX_NACK_REASON = 1024;
    /** A report this large (about 10,000 virtual services with their real servers) is not shared with other instances. */
    static final int MAX_SHARED_REPORT_BYTES = 4 << 20;

    private final Map<String, Node> nodes = new TreeMap<>();
    // What waits for a version to be applied everywhere, by version.
    private final NavigableMap<Long, List<CompletableFuture<SyncOutcome>>> waiting = new TreeMap<>();
    // Nodes whose row must be written, and whether the write is a hello's (which takes the row over).
    private final Map<String, Boolean> unwritten = new LinkedHashMap<>();
    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "node-registry");
        thread.setDaemon(true);
        return thread;
    });
    // The deadlines of waits have their own thread: the registry's may be blocked on an unreachable database.
    private final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "node-wait-deadlines");
        thread.setDaemon(true);
        return thread;
    });
    private final CoalescingTask writeRows = new CoalescingTask(executor, this::writeRows);
    private final CoalescingTask reloadRows = new CoalescingTask(executor, this::reloadRows);
    private boolean databaseFailing;
    Clock clock = Clock.systemUTC();
    /** Told how long after its publication a node applied the current version (SyncMetrics). */
    private volatile java.util.function.LongConsumer pushLatencyNanos = nanos -> { };

    @Inject
    SnapshotCache cache;
    @Inject
    NodeStore store;
    @Inject
    NodeSettings settings;

    {
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /** Mutable per-node state; survives reconnects so refused versions are never resent. */
    private static final class Node {
        final String id;
        final Set<Long> refusedVersions = new HashSet<>();
        NodeSession session;
        String hostname;
        String softwareVersion;
        Instant firstSeen;
        Instant lastSeen;
        Instant connectedAt;
        Instant lastReport;
        long appliedVersion;
        NodeView.Nack lastNack;
        NodeStats stats;
        NodeReport report;
        // The latest report of a node another instance holds, as that instance last wrote it.
        NodeStats remoteStats;
        // The instance holding the node's stream, as the node table says (this one's id while it holds it).
        String connectedTo;

        Node(String id) {
            this.id = id;
        }
    }

    void onStart(@Observes StartupEvent event) {
        // Before the API serves: a ?wait right after a restart must already know every node.
        reloadRows();
        long period = REFRESH_INTERVAL.toMillis();
        executor.scheduleWithFixedDelay(this::refresh, period, period, TimeUnit.MILLISECONDS);
        long silenceCheck = SILENCE_CHECK_INTERVAL.toMillis();
        executor.scheduleWithFixedDelay(this::endSilentStreams, silenceCheck, silenceCheck, TimeUnit.MILLISECONDS);
    }

    /**
     * A node reporting every {@code reportIntervalMs} that sent nothing for five of its intervals (at
     * least {@link #MIN_SILENCE}, at most {@link #MAX_SILENCE}) has gone: its host died or was cut off
     * behind a connection nobody closed, which TCP alone would notice only after minutes. Zero (a node
     * that does not say) has no limit.
     */
    static Duration silenceLimit(long reportIntervalMs) {
        if (reportIntervalMs <= 0) {
            return Duration.ZERO;
        }
        Duration limit = Duration.ofMillis(Math.min(reportIntervalMs, MAX_SILENCE.toMillis()) * 5);
        return limit.compareTo(MIN_SILENCE) < 0 ? MIN_SILENCE : limit.compareTo(MAX_SILENCE) > 0 ? MAX_SILENCE : limit;
    }

    // Runs on the registry's thread: ends the streams of nodes that went silent, so the views stop
    // showing them connected (and holding their addresses) and a node that is still alive reconnects.
    private void endSilentStreams() {
        long now = System.nanoTime();
        List<NodeSession> silent = new ArrayList<>();
        synchronized (this) {
            for (Node node : nodes.values()) {
                if (node.session != null && node.session.silent(now)) {
                    silent.add(node.session);
                }
            }
        }
        for (NodeSession session : silent) {
            LOG.warnf("Node %s sent nothing for %d ms (its limit): ending its stream", session.nodeId(),
                    session.silenceLimit().toMillis());
            disconnect(session);
            session.close(Status.UNAVAILABLE.withDescription("nothing received for "
                    + session.silenceLimit().toMillis() + " ms"));
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        List<String> held = new ArrayList<>();
        synchronized (this) {
            for (Node node : nodes.values()) {
                if (node.session != null) {
                    node.connectedTo = null;
                    node.lastSeen = clock.instant();
                    unwritten.merge(node.id, false, Boolean::logicalOr);
                    held.add(node.id);
                }
            }
        }
        // Let the others see at once that these nodes have no stream here any more.
        if (!held.isEmpty()) {
            writeRows();
        }
        executor.shutdownNow();
        deadlines.shutdownNow();
    }

    /** Registers the stream of a node that said hello, replacing an older stream of the same node. */
    NodeSession connect(NodeHello hello, StreamObserver<ControlMessage> out) {
        NodeSession session = new NodeSession(hello.getNodeId(), out, silenceLimit(hello.getReportIntervalMs()));
        NodeSession replaced;
        List<CompletableFuture<SyncOutcome>> done;
        synchronized (this) {
            Node node = nodes.computeIfAbsent(hello.getNodeId(), Node::new);
            replaced = node.session;
            Instant now = clock.instant();
            node.session = session;
            node.hostname = clip(hello.getHostname(), MAX_HOSTNAME);
            node.softwareVersion = clip(hello.getSoftwareVersion(), MAX_SOFTWARE_VERSION);
            node.connectedAt = now;
            node.lastSeen = now;
            if (node.firstSeen == null) {
                node.firstSeen = now;
            }
            node.appliedVersion = hello.getAppliedVersion();
            node.connectedTo = settings.instanceId();
            unwritten.put(node.id, true);
            done = completeApplied();
        }
        writeRows.request();
        complete(done);
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

    void disconnect(NodeSession session) {
        synchronized (this) {
            Node node = nodes.get(session.nodeId());
            if (node == null || node.session != session) {
                return;
            }
            node.session = null;
            node.stats = null;
            node.connectedTo = null;
            node.lastSeen = clock.instant();
            unwritten.merge(node.id, false, Boolean::logicalOr);
        }
        writeRows.request();
    }

    void reportPushLatencyTo(java.util.function.LongConsumer nanos) {
        pushLatencyNanos = nanos;
    }

    void ack(NodeSession session, long version) {
        List<CompletableFuture<SyncOutcome>> done;
        synchronized (this) {
            Node node = current(session);
            if (node == null) {
                return;
            }
            long publishedAt = cache == null || version <= node.appliedVersion ? -1 : cache.publishedAtNanos(version);
            if (publishedAt > 0) {
                pushLatencyNanos.accept(System.nanoTime() - publishedAt);
            }
            node.appliedVersion = Math.max(node.appliedVersion, version);
            unwritten.merge(node.id, false, Boolean::logicalOr);
            done = completeApplied();
        }
        writeRows.request();
        complete(done);
    }

    void nack(NodeSession session, long version, String reason) {
        synchronized (this) {
            Node node = current(session);
            if (node == null) {
                return;
            }
            node.refusedVersions.add(version);
            node.lastNack = new NodeView.Nack(version, clip(reason, MAX_NACK_REASON), clock.instant().toString());
            unwritten.merge(node.id, false, Boolean::logicalOr);
        }
        writeRows.request();
    }

    synchronized void report(NodeSession session, NodeReport report, Instant receivedAt) {
        Node node = current(session);
        if (node != null) {
            // Shared through the database every 5 s: an outsized one is kept here but not passed on.
            node.report = report.getSerializedSize() <= MAX_SHARED_REPORT_BYTES ? report : null;
            node.stats = ProtoMapper.toStats(report, receivedAt);
            node.lastReport = receivedAt;
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

    /**
     * A node row was written (NOTIFY fulcrum_nodes, payload "<instance> <node id>"): reloaded unless
     * this instance wrote it; null (the listener reconnected, notifications may be lost) always reloads.
     */
    public void rowsChanged(String announcement) {
        if (announcement == null || !announcement.startsWith(settings.instanceId() + " ")) {
            reloadRows.request();
        }
    }

    public synchronized List<NodeView> nodes() {
        Instant now = clock.instant();
        return nodes.values().stream().map(node -> new NodeView(node.id, connected(node, now), state(node, now).json(),
                node.hostname, node.softwareVersion, text(node.firstSeen), text(node.lastSeen), text(node.connectedAt),
                text(node.lastReport), node.appliedVersion, node.lastNack, node.connectedTo, heldAddresses(node, now),
                persistenceEntries(node, now)))
                .toList();
    }

    // From the latest report, and only while the node is connected: a gone node holds nothing we know of.
    private List<String> heldAddresses(Node node, Instant now) {
        NodeStats latest = latestWhileConnected(node, now);
        return latest == null ? List.of() : latest.heldAddresses();
    }

    private long persistenceEntries(Node node, Instant now) {
        NodeStats latest = latestWhileConnected(node, now);
        return latest == null ? 0 : latest.virtualServices().values().stream()
                .mapToLong(NodeStats.VirtualServiceStats::persistenceEntries).sum();
    }

    private NodeStats latestWhileConnected(Node node, Instant now) {
        NodeStats latest = node.session != null ? node.stats : node.remoteStats;
        return latest == null || !connected(node, now) ? null : latest;
    }

    /**
     * Latest report of every connected node that has reported, by node id: first-hand for the nodes
     * this instance holds, as the holding instance last wrote it (every 5 s) for the others.
     */
    public synchronized Map<String, NodeStats> connectedStats() {
        Instant now = clock.instant();
        Map<String, NodeStats> stats = new LinkedHashMap<>();
        for (Node node : nodes.values()) {
            if (node.session != null && node.stats != null) {
                stats.put(node.id, node.stats);
            } else if (node.session == null && node.remoteStats != null && connected(node, now)) {
                stats.put(node.id, node.remoteStats);
            }
        }
        return stats;
    }

    /**
     * Completes once every registered node applied {@code version}, or at the deadline with the nodes
     * that have not; holds no thread meanwhile. With no node registered at all it completes at once.
     */
    public CompletionStage<SyncOutcome> awaitApplied(long version, Duration wait) {
        CompletableFuture<SyncOutcome> outcome = new CompletableFuture<>();
        synchronized (this) {
            if (nodes.isEmpty()) {
                return CompletableFuture.completedFuture(SyncOutcome.NO_NODES);
            }
            if (appliedEverywhere() >= version) {
                return CompletableFuture.completedFuture(SyncOutcome.APPLIED);
            }
            waiting.computeIfAbsent(version, v -> new ArrayList<>()).add(outcome);
        }
        var timeout = deadlines.schedule(() -> expire(version, outcome), wait.toNanos(), TimeUnit.NANOSECONDS);
        outcome.whenComplete((result, failure) -> timeout.cancel(false));
        return outcome;
    }

    /** Waiters currently parked (for tests and metrics). */
    public synchronized int waiting() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Forgets a node for good (its row too), so ?wait no longer waits for it. A node with a live
     * stream on any instance is not decommissioned: stop it first. Throws when the database fails.
     */
    public Decommissioned decommission(String id) {
        synchronized (this) {
            Node node = nodes.get(id);
            if (node != null && node.session != null) {
                return Decommissioned.CONNECTED;
            }
        }
        NodeStore.Decommission result;
        try {
            result = store.decommission(id, clock.instant().minus(HELD_FRESHNESS), settings.instanceId());
        } catch (SQLException e) {
            throw new IllegalStateException("decommissioning node " + id + " failed", e);
        }
        List<CompletableFuture<SyncOutcome>> done = List.of();
        synchronized (this) {
            if (result == NodeStore.Decommission.REMOVED) {
                Node node = nodes.get(id);
                if (node != null && node.session == null) {
                    nodes.remove(id);
                    unwritten.remove(id);
                }
                done = completeApplied();
            }
        }
        complete(done);
        return switch (result) {
            case REMOVED -> Decommissioned.REMOVED;
            case CONNECTED -> Decommissioned.CONNECTED;
            case UNKNOWN -> Decommissioned.UNKNOWN;
        };
    }

    public enum Decommissioned { REMOVED, CONNECTED, UNKNOWN }

    private void expire(long version, CompletableFuture<SyncOutcome> outcome) {
        SyncOutcome pending;
        synchronized (this) {
            List<CompletableFuture<SyncOutcome>> list = waiting.get(version);
            if (list == null || !list.remove(outcome)) {
                return;
            }
            if (list.isEmpty()) {
                waiting.remove(version);
            }
            pending = SyncOutcome.pending(pending(version));
        }
        outcome.complete(pending);
    }

    // The highest version every registered node has applied (MAX_VALUE without nodes).
    private long appliedEverywhere() {
        long floor = Long.MAX_VALUE;
        for (Node node : nodes.values()) {
            floor = Math.min(floor, node.appliedVersion);
        }
        return floor;
    }

    /** Takes out the waiters every node has now satisfied; complete them outside the monitor. */
    private List<CompletableFuture<SyncOutcome>> completeApplied() {
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<CompletableFuture<SyncOutcome>> done = new ArrayList<>();
        var satisfied = waiting.headMap(appliedEverywhere(), true);
        satisfied.values().forEach(done::addAll);
        satisfied.clear();
        return done;
    }

    private static void complete(List<CompletableFuture<SyncOutcome>> done) {
        done.forEach(future -> future.complete(SyncOutcome.APPLIED));
    }

    private List<String> pending(long version) {
        Instant now = clock.instant();
        List<String> pending = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (node.appliedVersion >= version) {
                continue;
            }
            boolean refused = node.refusedVersions.stream().anyMatch(v -> v >= version)
                    || (node.lastNack != null && node.lastNack.version() >= version);
            String why = refused ? "nack" : switch (state(node, now)) {
                case CONNECTED -> "behind";
                case DISCONNECTED -> "disconnected";
                case LOST -> "lost";
            };
            pending.add(node.id + "(" + why + ")");
        }
        return pending;
    }

    private boolean connected(Node node, Instant now) {
        if (node.session != null) {
            return true;
        }
        return node.connectedTo != null && !node.connectedTo.equals(settings.instanceId())
                && node.lastSeen != null && node.lastSeen.isAfter(now.minus(HELD_FRESHNESS));
    }

    private NodeView.State state(Node node, Instant now) {
        if (connected(node, now)) {
            return NodeView.State.CONNECTED;
        }
        return node.lastSeen != null && node.lastSeen.isBefore(now.minus(settings.lostAfter()))
                ? NodeView.State.LOST : NodeView.State.DISCONNECTED;
    }

    private synchronized boolean refused(String nodeId, long version) {
        Node node = nodes.get(nodeId);
        return node != null && node.refusedVersions.contains(version);
    }

    private Node current(NodeSession session) {
        Node node = nodes.get(session.nodeId());
        return node != null && node.session == session ? node : null;
    }

    // Runs on the registry's thread: the held nodes are seen now, then a reload catches what a lost
    // notification hid, and rows a failed write left unwritten are tried again.
    private void refresh() {
        Map<String, NodeReport> reports = new LinkedHashMap<>();
        Instant now = clock.instant();
        synchronized (this) {
            for (Node node : nodes.values()) {
                if (node.session != null) {
                    node.lastSeen = now;
                    unwritten.merge(node.id, false, Boolean::logicalOr);
                    if (node.report != null) {
                        reports.put(node.id, node.report);
                    }
                }
            }
        }
        writeRows();
        reloadRows();
        try {
            store.writeReports(reports, now, settings.instanceId());
            Map<String, NodeStats> remote = store.loadReports(settings.instanceId());
            synchronized (this) {
                for (Node node : nodes.values()) {
                    node.remoteStats = node.session == null ? remote.get(node.id) : null;
                }
            }
        } catch (SQLException | RuntimeException e) {
            databaseFailed("sharing node reports", e);
        }
    }

    private void writeRows() {
        List<NodeStore.NodeState> rows = new ArrayList<>();
        Map<String, Boolean> taken;
        synchronized (this) {
            if (unwritten.isEmpty()) {
                return;
            }
            taken = new HashMap<>(unwritten);
            unwritten.clear();
            taken.forEach((id, hello) -> {
                Node node = nodes.get(id);
                if (node != null) {
                    // A hello's row is inserted even if its stream is gone by now (the node is registered); it
                    // takes a row over only from no one, or from an instance that heard the node less recently.
                    rows.add(new NodeStore.NodeState(record(node), hello));
                }
            });
        }
        try {
            store.write(rows, settings.instanceId());
            databaseRecovered();
        } catch (SQLException | RuntimeException e) {
            synchronized (this) {
                taken.forEach((id, hello) -> unwritten.merge(id, hello, Boolean::logicalOr));
            }
            databaseFailed("writing node rows", e);
        }
    }

    private void reloadRows() {
        List<NodeRecord> records;
        try {
            records = store.loadAll();
            databaseRecovered();
        } catch (SQLException | RuntimeException e) {
            databaseFailed("reading node rows", e);
            return;
        }
        List<CompletableFuture<SyncOutcome>> done;
        synchronized (this) {
            Set<String> stored = new HashSet<>();
            for (NodeRecord record : records) {
                stored.add(record.id());
                Node node = nodes.computeIfAbsent(record.id(), Node::new);
                node.firstSeen = record.firstSeen();
                if (node.session != null || unwritten.containsKey(node.id)) {
                    continue; // what this instance holds, or is about to write, is newer than the row
                }
                node.hostname = record.hostname();
                node.softwareVersion = record.softwareVersion();
                node.lastSeen = record.lastSeen();
                node.appliedVersion = record.appliedVersion();
                node.lastNack = record.lastNack();
                node.connectedTo = record.connectedTo();
            }
            // Decommissioned through another instance (or before this one started).
            for (Iterator<Node> it = nodes.values().iterator(); it.hasNext(); ) {
                Node node = it.next();
                if (!stored.contains(node.id) && node.session == null && !unwritten.containsKey(node.id)) {
                    it.remove();
                }
            }
            done = completeApplied();
        }
        complete(done);
    }

    private NodeRecord record(Node node) {
        return new NodeRecord(node.id, node.hostname == null ? "" : node.hostname,
                node.softwareVersion == null ? "" : node.softwareVersion, node.firstSeen, node.lastSeen,
                node.appliedVersion, node.lastNack, node.connectedTo);
    }

    /** Whether the last read or write of the node table failed: rows of others' nodes may be old. */
    public synchronized boolean databaseFailing() {
        return databaseFailing;
    }

    private synchronized void databaseFailed(String what, Exception e) {
        if (!databaseFailing) {
            databaseFailing = true;
            LOG.warnf("%s failed (%s); nodes are served from memory and written when the database is back", what,
                    e.getMessage());
        }
    }

    private synchronized void databaseRecovered() {
        if (databaseFailing) {
            databaseFailing = false;
            LOG.info("node rows are written to the database again");
        }
    }

    /** Bounded, and without control characters (PostgreSQL text refuses NUL, a log line breaks on the rest). */
    private static String clip(String text, int max) {
        String cut = text.length() <= max ? text : text.substring(0, max);
        return cut.replaceAll("\\p{Cntrl}", " ");
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
