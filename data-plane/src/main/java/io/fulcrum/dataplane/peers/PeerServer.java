package io.fulcrum.dataplane.peers;

import io.fulcrum.dataplane.controlplane.ControlPlaneTls;
import io.fulcrum.proto.v1.PeeringSummary;
import io.fulcrum.proto.v1.PersistenceBatch;
import io.fulcrum.proto.v1.PersistencePeeringGrpc;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Accepts the streams of this node's peers (mutual TLS, only the nodes {@code --peers} lists) and
 * merges what they send into the local tables. It listens on the host's own address, not on a
 * floating one: peers must reach each other whichever of them holds the virtual-service addresses.
 */
final class PeerServer {
    private static final System.Logger LOG = System.getLogger(PeerServer.class.getName());
    /** More streams than the group has peers means something else is connecting. */
    private static final int MAX_CONCURRENT_STREAMS = PeerGroup.MAX_PEERS;

    private final Server server;
    private final PersistenceDirectory directory;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong ignored = new AtomicLong();

    PeerServer(InetSocketAddress address, ServerCredentials credentials, PersistenceDirectory directory) {
        this.directory = directory;
        this.server = NettyServerBuilder.forAddress(address, credentials)
                .addService(io.grpc.ServerInterceptors.intercept(new Service(), new PeerIdentity()))
                .maxInboundMessageSize(PersistenceEntries.MAX_BATCH_BYTES)
                .maxConcurrentCallsPerConnection(MAX_CONCURRENT_STREAMS)
                .permitKeepAliveTime(1, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .build();
    }

    void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot accept peers on " + server.getListenSockets(), e);
        }
    }

    /** The bound address (its port when the configuration asked for 0). */
    InetSocketAddress address() {
        return (InetSocketAddress) server.getListenSockets().get(0);
    }

    long entriesApplied() {
        return applied.get();
    }

    long entriesIgnored() {
        return ignored.get();
    }

    void close(Duration within) throws InterruptedException {
        server.shutdown();
        if (!server.awaitTermination(within.toMillis(), TimeUnit.MILLISECONDS)) {
            server.shutdownNow();
        }
    }

    private final class Service extends PersistencePeeringGrpc.PersistencePeeringImplBase {
        @Override
        public StreamObserver<PersistenceBatch> replicate(StreamObserver<PeeringSummary> responses) {
            String peer = peerName();
            LOG.log(Level.INFO, "peer " + peer + " connected");
            return new StreamObserver<>() {
                private long streamApplied;
                private long streamIgnored;
                private boolean ended;

                @Override
                public void onNext(PersistenceBatch batch) {
                    if (ended) {
                        return;
                    }
                    try {
                        PersistenceEntries.Outcome outcome = PersistenceEntries.apply(batch, directory);
                        streamApplied += outcome.applied();
                        streamIgnored += outcome.ignored();
                        applied.addAndGet(outcome.applied());
                        ignored.addAndGet(outcome.ignored());
                        if (batch.getFullTableEnd()) {
                            LOG.log(Level.INFO, "whole table from peer " + peer + ": " + streamApplied + " entries"
                                    + (streamIgnored == 0 ? "" : " (" + streamIgnored + " ignored)"));
                        }
                    } catch (IllegalArgumentException refused) {
                        ended = true;
                        LOG.log(Level.WARNING, "peer " + peer + ": stream refused: " + refused.getMessage());
                        responses.onError(Status.INVALID_ARGUMENT.withDescription(refused.getMessage()).asRuntimeException());
                    }
                }

                @Override
                public void onError(Throwable error) {
                    LOG.log(Level.INFO, "peer " + peer + " disconnected (" + Status.fromThrowable(error).getCode()
                            + ") after " + streamApplied + " entries (" + streamIgnored + " ignored)");
                }

                @Override
                public void onCompleted() {
                    if (!ended) {
                        responses.onNext(PeeringSummary.newBuilder().setEntriesApplied(streamApplied)
                                .setEntriesIgnored(streamIgnored).build());
                        responses.onCompleted();
                    }
                }
            };
        }

        /** The peer's node id, from its certificate (the handshake already checked it is listed). */
        private String peerName() {
            io.grpc.Context context = io.grpc.Context.current();
            SSLSession session = PeerIdentity.SESSION.get(context);
            SocketAddress remote = PeerIdentity.REMOTE.get(context);
            String where = remote instanceof InetSocketAddress inet ? inet.getAddress().getHostAddress() : "?";
            if (session == null) {
                return "? at " + where;
            }
            try {
                Certificate[] chain = session.getPeerCertificates();
                String id = ControlPlaneTls.commonName((X509Certificate) chain[0]).orElse("?");
                return id + " at " + where;
            } catch (SSLPeerUnverifiedException e) {
                return "? at " + where;
            }
        }
    }

    /** Hands the call's TLS session and remote address to the service, which gRPC keeps in the call's attributes. */
    static final class PeerIdentity implements io.grpc.ServerInterceptor {
        static final io.grpc.Context.Key<SSLSession> SESSION = io.grpc.Context.key("peer-tls-session");
        static final io.grpc.Context.Key<SocketAddress> REMOTE = io.grpc.Context.key("peer-remote-address");

        @Override
        public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call, io.grpc.Metadata headers,
                                                                  io.grpc.ServerCallHandler<Q, R> next) {
            io.grpc.Context context = io.grpc.Context.current()
                    .withValue(SESSION, call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION))
                    .withValue(REMOTE, call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            return io.grpc.Contexts.interceptCall(context, call, headers, next);
        }
    }
}
