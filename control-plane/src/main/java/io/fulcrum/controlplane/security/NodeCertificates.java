package io.fulcrum.controlplane.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Takes a node's id from its client certificate (the subject's CN) and hands it to the call, so the
 * stream can refuse a hello that claims another id. Over plain text (loopback only) there is none.
 */
@GlobalInterceptor
@ApplicationScoped
public class NodeCertificates implements ServerInterceptor {

    /** The node id the peer's certificate names, while a call from a TLS peer runs. */
    public static final Context.Key<String> CERTIFIED_NODE_ID = Context.key("fulcrum-certified-node-id");

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                       ServerCallHandler<Q, A> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return next.startCall(call, headers);
        }
        Optional<String> nodeId = nodeId(session);
        if (nodeId.isEmpty()) {
            call.close(Status.UNAUTHENTICATED.withDescription("the client certificate names no node (subject CN)"),
                    new Metadata());
            return new ServerCall.Listener<>() { };
        }
        return Contexts.interceptCall(Context.current().withValue(CERTIFIED_NODE_ID, nodeId.get()), call, headers, next);
    }

    /** The certified node id of the current call, if the peer came over TLS. */
    public static Optional<String> current() {
        return Optional.ofNullable(CERTIFIED_NODE_ID.get());
    }

    static Optional<String> nodeId(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                return Optional.empty();
            }
            return commonName(leaf);
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    static Optional<String> commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType()) && rdn.getValue() instanceof String name && !name.isBlank()) {
                    return Optional.of(name);
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
