package io.fulcrum.controlplane.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.snapshot.SnapshotCache;
import io.fulcrum.controlplane.snapshot.SnapshotPublished;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeHello;
import io.fulcrum.proto.v1.Snapshot;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.fulcrum.controlplane.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry's rules without gRPC: what is sent to whom, and what ?wait reports. */
class NodeRegistryTest {

    /** A cache whose current snapshot the test sets directly. */
    private static final class FixedCache extends SnapshotCache {
        Snapshot snapshot;

        @Override
        public Snapshot current() {
            return snapshot;
        }
    }

    /** Records what the control plane sends on one stream. */
    private static final class RecordingStream implements StreamObserver<ControlMessage> {
        final List<Long> versions = new ArrayList<>();
        Status closedWith;

        @Override
        public void onNext(ControlMessage message) {
            versions.add(message.getSnapshot().getVersion());
        }

        @Override
        public void onError(Throwable error) {
            closedWith = Status.fromThrowable(error);
        }

        @Override
        public void onCompleted() {
            closedWith = Status.OK;
        }
    }

    /** Keeps rows in memory: the registry's rules, without PostgreSQL. */
    private static final class MemoryStore extends NodeStore {
        final java.util.Map<String, NodeRecord> rows = new java.util.TreeMap<>();

        @Override
        synchronized List<NodeRecord> loadAll() {
            return new ArrayList<>(rows.values());
        }

        @Override
        synchronized void write(java.util.Collection<NodeState> states, String instance) {
            states.forEach(state -> rows.put(state.record().id(), state.record()));
        }

        @Override
        void writeReports(java.util.Map<String, io.fulcrum.proto.v1.NodeReport> reports, java.time.Instant at,
                String instance) {
        }

        @Override
        java.util.Map<String, NodeStats> loadReports(String instance) {
            return java.util.Map.of();
        }

        @Override
        synchronized Decommission decommission(String id, java.time.Instant heldIfSeenAfter, String instance) {
            NodeRecord row = rows.get(id);
            if (row == null) {
                return Decommission.UNKNOWN;
            }
            if (row.connectedTo() != null && row.lastSeen().isAfter(heldIfSeenAfter)) {
                return Decommission.CONNECTED;
            }
            rows.remove(id);
            return Decommission.REMOVED;
        }
    }

    private final FixedCache cache = new FixedCache();
    private final MemoryStore store = new MemoryStore();
    private final NodeRegistry registry = new NodeRegistry();

    @BeforeEach
    void wire() {
        registry.cache = cache;
        registry.store = store;
        registry.settings = new NodeSettings("cp-test", Duration.ofMinutes(1));
    }

    private String await(long version, Duration wait) {
        try {
            return registry.awaitApplied(version, wait).toCompletableFuture().get(wait.toMillis() + 5000,
                    java.util.concurrent.TimeUnit.MILLISECONDS).header();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Snapshot snapshot(long version) {
        return Snapshot.newBuilder().setVersion(version).build();
    }

    private static NodeHello hello(String id, long applied) {
        return NodeHello.newBuilder().setNodeId(id).setAppliedVersion(applied).build();
    }

    private void publish(long version) {
        cache.snapshot = snapshot(version);
        registry.onPublished(new SnapshotPublished(cache.snapshot));
    }

    @Test
    void aNodeServingTheCurrentVersionIsSentOnlyNewerOnes() {
        cache.snapshot = snapshot(4);
        RecordingStream stream = new RecordingStream();
        registry.connect(hello("a", 4), stream);
        assertEquals(List.of(), stream.versions);
        publish(5);
        assertEquals(List.of(5L), stream.versions);
    }

    @Test
    void aRefusedVersionIsNotResentAfterReconnecting() {
        cache.snapshot = snapshot(4);
        RecordingStream first = new RecordingStream();
        NodeSession session = registry.connect(hello("a", 0), first);
        assertEquals(List.of(4L), first.versions);
        registry.nack(session, 4, "bind failed");
        registry.disconnect(session);

        RecordingStream second = new RecordingStream();
        registry.connect(hello("a", 3), second);
        assertEquals(List.of(), second.versions);
        publish(5);
        assertEquals(List.of(5L), second.versions);
        assertEquals(4, registry.nodes().get(0).lastNack().version());
    }

    @Test
    void versionsNeverGoBackwardsOnAStream() {
        cache.snapshot = snapshot(6);
        RecordingStream stream = new RecordingStream();
        NodeSession session = registry.connect(hello("a", 0), stream);
        session.send(snapshot(5), version -> false);
        assertEquals(List.of(6L), stream.versions);
    }

    @Test
    void aSecondStreamClosesTheFirst() {
        RecordingStream first = new RecordingStream();
        RecordingStream second = new RecordingStream();
        NodeSession old = registry.connect(hello("a", 0), first);
        registry.connect(hello("a", 0), second);
        assertEquals(Status.Code.ABORTED, first.closedWith.getCode());
        registry.disconnect(old);
        assertTrue(registry.nodes().get(0).connected(), "the old stream's end must not disconnect the new one");
    }

    @Test
    void waitNamesNodesThatHaveNotAppliedAndThoseThatRefused() {
        NodeSession a = registry.connect(hello("a", 0), new RecordingStream());
        NodeSession b = registry.connect(hello("b", 0), new RecordingStream());
        NodeSession c = registry.connect(hello("c", 0), new RecordingStream());
        registry.ack(a, 7);
        registry.nack(c, 7, "no");
        assertEquals("pending; nodes=b(behind),c(nack)", await(7, Duration.ofMillis(50)));
        registry.ack(b, 8);
        registry.disconnect(c);
        assertEquals("pending; nodes=c(nack)", await(7, Duration.ofMillis(50)), "a disconnected node still counts");
        assertFalse(registry.nodes().get(2).connected());
        // The row is written on the registry's thread; until then it still says connected, and
        // decommissioning answers (safely) that the node is connected.
        Poll.until("c's row written as disconnected", Duration.ofSeconds(5), () -> {
            synchronized (store) {
                return store.rows.containsKey("c") && store.rows.get("c").connectedTo() == null;
            }
        });
        assertEquals(NodeRegistry.Decommissioned.REMOVED, registry.decommission("c"));
        assertEquals("applied", await(7, Duration.ofMillis(50)));
    }

    @Test
    void whatANodeSaysOfItselfIsBoundedAndFreeOfControlCharacters() {
        registry.connect(NodeHello.newBuilder().setNodeId("a").setHostname("host\u0000name\n" + "x".repeat(400))
                .setSoftwareVersion("1.0\u0007").build(), new RecordingStream());
        NodeView node = registry.nodes().get(0);
        assertEquals(253, node.hostname().length());
        assertTrue(node.hostname().startsWith("host name "), node.hostname());
        assertEquals("1.0 ", node.softwareVersion());
    }

    @Test
    void withoutAnyNodeAWaitSaysSoAtOnce() {
        assertEquals("no-nodes", await(3, Duration.ofSeconds(10)));
    }

    @Test
    void aDisconnectedNodeIsNamedAndAConnectedOneCannotBeDecommissioned() {
        NodeSession a = registry.connect(hello("a", 0), new RecordingStream());
        NodeSession b = registry.connect(hello("b", 0), new RecordingStream());
        registry.ack(a, 5);
        registry.disconnect(b);
        assertEquals("pending; nodes=b(disconnected)", await(5, Duration.ofMillis(50)));
        assertEquals(NodeRegistry.Decommissioned.CONNECTED, registry.decommission("a"));
        assertEquals(NodeRegistry.Decommissioned.UNKNOWN, registry.decommission("zz"));
        assertEquals("disconnected", registry.nodes().get(1).state());
    }

    @Test
    void aNodeUnseenForLongerThanTheLostAfterTimeIsLost() {
        NodeSession a = registry.connect(hello("a", 0), new RecordingStream());
        registry.disconnect(a);
        registry.clock = java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofMinutes(2));
        assertEquals("lost", registry.nodes().get(0).state());
        assertEquals("pending; nodes=a(lost)", await(1, Duration.ofMillis(50)));
    }

    @Test
    void fiveHundredWaitsHoldNoThreadAndAllCompleteOnTheAck() throws Exception {
        NodeSession a = registry.connect(hello("a", 0), new RecordingStream());
        List<java.util.concurrent.CompletableFuture<SyncOutcome>> waits = new ArrayList<>();
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 500; i++) {
            waits.add(registry.awaitApplied(9, Duration.ofSeconds(30)).toCompletableFuture());
        }
        assertEquals(500, registry.waiting());
        assertTrue(Thread.activeCount() <= threadsBefore + 1, "no thread per wait");
        registry.ack(a, 9);
        for (var wait : waits) {
            assertEquals("applied", wait.get(5, java.util.concurrent.TimeUnit.SECONDS).header());
        }
        assertEquals(0, registry.waiting());
    }

    @Test
    void nodesKnownFromTheTableAreListedAfterARestart() {
        NodeSession a = registry.connect(hello("a", 4), new RecordingStream());
        registry.disconnect(a);
        Poll.until("the row written", Duration.ofSeconds(5), () -> store.rows.containsKey("a")
                && store.rows.get("a").connectedTo() == null);
        NodeRegistry restarted = new NodeRegistry();
        restarted.cache = cache;
        restarted.store = store;
        restarted.settings = new NodeSettings("cp-other", Duration.ofMinutes(1));
        restarted.rowsChanged(null);
        Poll.until("the node listed", Duration.ofSeconds(5), () -> restarted.nodes().size() == 1);
        assertEquals(4, restarted.nodes().get(0).appliedVersion());
        assertFalse(restarted.nodes().get(0).connected());
    }

    @Test
    void waitReturnsAsSoonAsTheLastNodeAcks() throws Exception {
        NodeSession a = registry.connect(hello("a", 0), new RecordingStream());
        Thread acker = new Thread(() -> registry.ack(a, 3));
        long started = System.nanoTime();
        acker.start();
        assertEquals("applied", await(3, Duration.ofSeconds(10)));
        acker.join();
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
    }
}
