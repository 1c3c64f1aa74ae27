package io.fulcrum.dataplane.peers;

import io.fulcrum.dataplane.controlplane.ControlPlaneTls;
import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Mutual TLS between the nodes of a group with the certificates they already hold for the control
 * plane. Node certificates are client certificates (clientAuth), so that no node can pose as the
 * control plane; on this link each side checks the other's as a node certificate, in both
 * directions: signed by the node CA, valid, for clientAuth, and naming (CN) a node of the group.
 * The side that connects also checks it reached the very node it dialled.
 */
public final class PeerTls {
    private final ControlPlaneTls files;
    private final X509TrustManager nodeCa;

    public PeerTls(ControlPlaneTls files) {
        this.files = files;
        this.nodeCa = trustManagerFor(files);
    }

    /** What the node presents to peers that connect to it, and whom it lets in. */
    public ServerCredentials serverCredentials(Set<String> acceptedPeers) {
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(files.certificate().toFile(), files.key().toFile())
                    .trustManager(new NodeCertificates(nodeCa, acceptedPeers))
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's TLS files", e);
        }
    }

    /** What the node presents when it connects to {@code peerId}, and the check that it reached it. */
    public ChannelCredentials channelCredentials(String peerId) {
        try {
            return TlsChannelCredentials.newBuilder()
                    .keyManager(files.certificate().toFile(), files.key().toFile())
                    .trustManager(new NodeCertificates(nodeCa, Set.of(peerId)))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's TLS files", e);
        }
    }

    private static X509TrustManager trustManagerFor(ControlPlaneTls files) {
        try (InputStream in = Files.newInputStream(files.ca())) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int index = 0;
            for (Certificate ca : java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("node-ca-" + index++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("no X.509 trust manager");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CA " + files.ca(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the CA " + files.ca() + " is not a PEM X.509 certificate", e);
        }
    }

    /** Trusts a node certificate of the CA that names one of {@code nodes}, whichever side presents it. */
    private static final class NodeCertificates extends X509ExtendedTrustManager {
        private static final System.Logger LOG = System.getLogger(PeerTls.class.getName());
        private static final Set<String> LOGGED_REFUSALS = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final X509TrustManager nodeCa;
        private final Set<String> nodes;

        NodeCertificates(X509TrustManager nodeCa, Set<String> nodes) {
            this.nodeCa = nodeCa;
            this.nodes = Set.copyOf(nodes);
        }

        private void check(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                verify(chain, authType);
            } catch (CertificateException refused) {
                // The other side sees only a TLS alert; the reason is logged here, once per reason.
                if (LOGGED_REFUSALS.size() < 64 && LOGGED_REFUSALS.add(String.valueOf(refused.getMessage()))) {
                    LOG.log(System.Logger.Level.WARNING, "refused a peer's TLS certificate: " + refused.getMessage());
                }
                throw refused;
            }
        }

        private void verify(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the peer presented no certificate");
            }
            // A client check on purpose, both ways: it asks for clientAuth, which node certificates carry.
            nodeCa.checkClientTrusted(chain, authType);
            String name = ControlPlaneTls.commonName(chain[0]).orElse("");
            if (!nodes.contains(name)) {
                throw new CertificateException("the certificate names '" + name + "', not a peer of this node "
                        + nodes);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return nodeCa.getAcceptedIssuers();
        }
    }
}
