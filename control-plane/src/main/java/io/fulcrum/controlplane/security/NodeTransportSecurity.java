package io.fulcrum.controlplane.security;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.quarkus.grpc.api.ServerBuilderCustomizer;
import io.quarkus.grpc.runtime.config.GrpcServerConfiguration;
import io.vertx.grpc.VertxServerBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.File;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Mutual TLS on the gRPC port nodes connect to. With a node CA (FULCRUM_NODE_CA) every node must
 * present a client certificate signed by it, and the control plane presents its own
 * (FULCRUM_TLS_CERT, FULCRUM_TLS_KEY, the REST API's too); there is no plain-text port then.
 * Without one the port speaks plain text and may only listen on loopback, since anything that
 * reaches it could pose as a node. The node id is the certificate's (NodeCertificates).
 */
@ApplicationScoped
public class NodeTransportSecurity implements ServerBuilderCustomizer<VertxServerBuilder> {

    private static final Logger LOG = Logger.getLogger(NodeTransportSecurity.class);

    @ConfigProperty(name = "fulcrum.tls.node-ca")
    Optional<String> nodeCa;
    @ConfigProperty(name = "fulcrum.tls.certificate")
    Optional<String> certificate;
    @ConfigProperty(name = "fulcrum.tls.key")
    Optional<String> key;

    @Override
    public void customize(GrpcServerConfiguration config, VertxServerBuilder builder) {
        if (nodeCa.isEmpty()) {
            if (!PlainHttpOnLoopback.loopback(config.host())) {
                throw new IllegalStateException("the gRPC port for nodes (" + config.host() + ") may speak plain text"
                        + " on loopback only: set FULCRUM_NODE_CA, FULCRUM_TLS_CERT and FULCRUM_TLS_KEY for mutual TLS");
            }
            LOG.info("nodes connect in plain text on loopback (no FULCRUM_NODE_CA)");
            return;
        }
        if (certificate.isEmpty() || key.isEmpty()) {
            throw new IllegalStateException("FULCRUM_NODE_CA needs the control plane's own certificate and key too"
                    + " (FULCRUM_TLS_CERT, FULCRUM_TLS_KEY)");
        }
        builder.nettyBuilder().sslContext(serverContext());
        LOG.infof("nodes connect with mutual TLS: client certificates must be signed by %s", nodeCa.get());
    }

    private SslContext serverContext() {
        try {
            return GrpcSslContexts.configure(SslContextBuilder.forServer(new File(certificate.get()), new File(key.get())))
                    .trustManager(new File(nodeCa.get()))
                    .clientAuth(ClientAuth.REQUIRE)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot use the node TLS files (FULCRUM_NODE_CA " + nodeCa.get()
                    + ", FULCRUM_TLS_CERT " + certificate.get() + ", FULCRUM_TLS_KEY " + key.get() + "): " + e.getMessage(), e);
        }
    }
}
