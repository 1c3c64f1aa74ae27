package io.fulcrum.dataplane.controlplane;

import io.fulcrum.proto.v1.ConfigSyncGrpc;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.Snapshot;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.fail;

/** A minimal ConfigSync server on 127.0.0.1 that records what nodes send and pushes snapshots. */
public final class FakeControlPlane extends ConfigSyncGrpc.ConfigSyncImplBase implements AutoCloseable {
    private final BlockingQueue<NodeMessage> received = new LinkedBlockingQueue<>();
    private final Server server;
    private volatile StreamObserver<ControlMessage> toNode;

    public FakeControlPlane(int port) throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .addService(this).build().start();
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public StreamObserver<NodeMessage> sync(StreamObserver<ControlMessage> responses) {
        toNode = responses;
        return new StreamObserver<>() {
            @Override
            public void onNext(NodeMessage message) {
                received.add(message);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                responses.onCompleted();
            }
        };
    }

    public synchronized void push(Snapshot snapshot) {
        toNode.onNext(ControlMessage.newBuilder().setSnapshot(snapshot).build());
    }

    /** Waits for the next message the predicate accepts, skipping others (e.g. periodic reports). */
    public NodeMessage await(String what, Predicate<NodeMessage> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            NodeMessage message = received.poll(100, TimeUnit.MILLISECONDS);
            if (message != null && wanted.test(message)) {
                return message;
            }
        }
        return fail("no " + what + " from the node within 10s");
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
