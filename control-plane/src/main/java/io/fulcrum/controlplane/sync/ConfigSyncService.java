package io.fulcrum.controlplane.sync;

import io.fulcrum.proto.v1.ConfigSyncGrpc;
import io.fulcrum.proto.v1.ControlMessage;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.controlplane.security.NodeCertificates;
import io.quarkus.grpc.GrpcService;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Inject;

/** The gRPC endpoint nodes connect to; a thin adapter that hands each stream to a NodeStream. */
@GrpcService
public class ConfigSyncService extends ConfigSyncGrpc.ConfigSyncImplBase {

    @Inject
    NodeRegistry registry;

    @Override
    public StreamObserver<NodeMessage> sync(StreamObserver<ControlMessage> responseObserver) {
        return new NodeStream(registry, responseObserver, NodeCertificates.current());
    }
}
