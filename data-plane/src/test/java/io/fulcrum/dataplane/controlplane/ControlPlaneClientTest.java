package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.LastGoodSnapshotStore;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class ControlPlaneClientTest {

    @Test
    void aBurstOfPushesIsAckedOneByOneAndEndsInOneAppliedCallback(@TempDir Path stateDir) throws Exception {
        AtomicInteger appliedCallbacks = new AtomicInteger();
        try (FakeControlPlane controlPlane = new FakeControlPlane(FreePorts.next());
             RuntimeFixture fixture = new RuntimeFixture()) {
            SnapshotApplier applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
            try (ControlPlaneClient client = new ControlPlaneClient("127.0.0.1:" + controlPlane.port(),
                    new NodeIdentity("node-burst", "host", "test"), applier, appliedCallbacks::incrementAndGet)) {
                client.start();
                controlPlane.await("hello", NodeMessage::hasHello);
                for (long version = 1; version <= 5; version++) {
                    controlPlane.push(Snapshot.newBuilder().setVersion(version).build());
                }
                for (long version = 1; version <= 5; version++) {
                    assertEquals(version, controlPlane.await("ack", NodeMessage::hasAck).getAck().getVersion());
                }
                awaitCallbacks(appliedCallbacks, 1);
                // Well past the quiet period, still one: the burst shared it.
                long until = System.nanoTime() + 3 * ControlPlaneClient.APPLIED_QUIET.toNanos();
                while (System.nanoTime() < until) {
                    assertEquals(1, appliedCallbacks.get());
                    LockSupport.parkNanos(2_000_000);
                }
            } finally {
                applier.close();
            }
        }
    }

    /**
     * gRPC's channel backs off exponentially (1 s, 1.6 s, 2.6 s, ... up to 120 s) while the control plane is
     * down; after 20 s its next attempt would come about 6 s after the control plane returned. The node's
     * own capped backoff must win: connected again within 2 s of the port listening.
     */
    @Test
    void reconnectsWithinTwoSecondsOfTheControlPlaneReturning(@TempDir Path stateDir) throws Exception {
        int port = FreePorts.next();
        try (RuntimeFixture fixture = new RuntimeFixture()) {
            SnapshotApplier applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
            try (ControlPlaneClient client = new ControlPlaneClient("127.0.0.1:" + port,
                    new NodeIdentity("node-outage", "host", "test"), applier, () -> { })) {
                try (FakeControlPlane controlPlane = new FakeControlPlane(port)) {
                    client.start();
                    controlPlane.await("hello", NodeMessage::hasHello);
                }
                // The outage itself: 20 s in which every attempt is refused.
                long outageEnds = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < outageEnds) {
                    LockSupport.parkNanos(outageEnds - System.nanoTime());
                }
                try (FakeControlPlane returned = new FakeControlPlane(port)) {
                    long listening = System.nanoTime();
                    returned.await("hello after the outage", NodeMessage::hasHello);
                    long reconnectMillis = Duration.ofNanos(System.nanoTime() - listening).toMillis();
                    System.out.println("reconnected " + reconnectMillis + " ms after the control plane returned");
                    assertTrue(reconnectMillis < 2_000, "reconnected after " + reconnectMillis + " ms");
                }
            } finally {
                applier.close();
            }
        }
    }

    /** Two control-plane instances: when the node's instance dies, the next attempt goes to the other. */
    @Test
    void movesToTheNextControlPlaneInstanceWhenItsOwnDies(@TempDir Path stateDir) throws Exception {
        try (RuntimeFixture fixture = new RuntimeFixture();
             FakeControlPlane second = new FakeControlPlane(FreePorts.next())) {
            SnapshotApplier applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
            FakeControlPlane first = new FakeControlPlane(FreePorts.next());
            try (ControlPlaneClient client = new ControlPlaneClient(
                    java.util.List.of("127.0.0.1:" + first.port(), "127.0.0.1:" + second.port()),
                    io.grpc.InsecureChannelCredentials.create(), new NodeIdentity("node-moving", "host", "test"),
                    applier, () -> { })) {
                client.start();
                first.await("hello to the first instance", NodeMessage::hasHello);
                long died = System.nanoTime();
                first.close();
                second.await("hello to the second instance", NodeMessage::hasHello);
                long movedMillis = Duration.ofNanos(System.nanoTime() - died).toMillis();
                System.out.println("moved to the other control-plane instance " + movedMillis + " ms after its own died");
                assertTrue(movedMillis < 2_000, "moved after " + movedMillis + " ms");
                second.push(Snapshot.newBuilder().setVersion(3).build());
                assertEquals(3, second.await("ack", NodeMessage::hasAck).getAck().getVersion());
            } finally {
                first.close();
                applier.close();
            }
        }
    }

    private static void awaitCallbacks(AtomicInteger callbacks, int expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (callbacks.get() < expected) {
            if (System.nanoTime() > deadline) {
                fail("expected " + expected + " applied callbacks within 5s, got " + callbacks.get());
            }
            LockSupport.parkNanos(2_000_000);
        }
    }
}
