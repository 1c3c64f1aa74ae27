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

    private final FixedCache cache = new FixedCache();
    private final NodeRegistry registry = new NodeRegistry();

    @BeforeEach
    void wire() {
        registry.cache = cache;
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
        assertEquals("pending; nodes=b,c(nack)", registry.awaitApplied(7, Duration.ofMillis(50)));
        registry.ack(b, 8);
        registry.disconnect(c);
        assertEquals("applied", registry.awaitApplied(7, Duration.ofMillis(50)));
        assertFalse(registry.nodes().get(2).connected());
    }

    @Test
    void waitReturnsAsSoonAsTheLastNodeAcks() throws Exception {
        NodeSession a = registry.connect(hello("a", 0), new RecordingStream());
        Thread acker = new Thread(() -> registry.ack(a, 3));
        long started = System.nanoTime();
        acker.start();
        assertEquals("applied", registry.awaitApplied(3, Duration.ofSeconds(10)));
        acker.join();
        assertTrue(System.nanoTime() - started < Duration.ofSeconds(5).toNanos());
    }
}
