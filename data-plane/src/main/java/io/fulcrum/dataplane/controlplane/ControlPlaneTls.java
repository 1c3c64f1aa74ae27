package io.fulcrum.dataplane.controlplane;

import io.grpc.ChannelCredentials;
import io.grpc.TlsChannelCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The node's side of mutual TLS with the control plane: it trusts only certificates signed by the
 * CA (and checks the control plane's address against the certificate's names, and that it is a
 * server certificate, so another node's certificate cannot pose as the control plane), and it
 * presents its own certificate, whose subject CN is the node id.
 */
public record ControlPlaneTls(Path ca, Path certificate, Path key) {

    public ChannelCredentials credentials() {
        try {
            return TlsChannelCredentials.newBuilder()
                    .trustManager(ca.toFile())
                    .keyManager(certificate.toFile(), key.toFile())
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the node's TLS files", e);
        }
    }

    /** The node id the certificate names (its subject's CN). */
    public String nodeId() {
        try (InputStream in = Files.newInputStream(certificate)) {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return commonName(leaf).orElseThrow(() -> new IllegalArgumentException(
                    "the certificate " + certificate + " names no node (its subject has no CN)"));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the certificate " + certificate + ": " + e.getMessage());
        } catch (CertificateException e) {
            throw new IllegalArgumentException("the certificate " + certificate + " is not a PEM X.509 certificate");
        }
    }

    public static Optional<String> commonName(X509Certificate certificate) {
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
