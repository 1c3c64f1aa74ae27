package io.fulcrum.controlplane.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests, as deploy/local/pki.sh makes one, plus the certificates no
 * script should make: expired ones and ones used for the wrong purpose. Files are PEM (keys PKCS#8).
 */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final String name;
    private final KeyPair caKeys;
    private final X500Name caSubject;
    private final X509Certificate ca;

    private TestPki(Path dir, String name) {
        this.dir = dir;
        this.name = name;
        this.caKeys = keyPair();
        this.caSubject = new X500Name("O=Fulcrum test,CN=" + name);
        Instant now = Instant.now();
        this.ca = sign(caSubject, caKeys, caSubject, caKeys.getPublic(), now.minus(Duration.ofHours(1)),
                now.plus(Duration.ofDays(30)), builder -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                });
        write(dir.resolve(name + ".crt"), ca);
    }

    static TestPki create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestPki(dir, name);
    }

    Path caCertificate() {
        return dir.resolve(name + ".crt");
    }

    /** The control plane's certificate: serverAuth, for localhost and 127.0.0.1. */
    Issued server(String file) {
        return issue(file, "fulcrum-control-plane", KeyPurposeId.id_kp_serverAuth, Instant.now().plus(Duration.ofDays(30)), true);
    }

    /** A node's certificate: clientAuth, the node id as CN. */
    Issued node(String nodeId) {
        return issue(nodeId, nodeId, KeyPurposeId.id_kp_clientAuth, Instant.now().plus(Duration.ofDays(30)), false);
    }

    /** A node certificate that expired an hour ago. */
    Issued expiredNode(String nodeId) {
        return issue(nodeId + "-expired", nodeId, KeyPurposeId.id_kp_clientAuth, Instant.now().minus(Duration.ofHours(1)), false);
    }

    /** A certificate for a server, presented as a client: right CA, wrong purpose. */
    Issued serverOnly(String nodeId) {
        return issue(nodeId + "-server-only", nodeId, KeyPurposeId.id_kp_serverAuth, Instant.now().plus(Duration.ofDays(30)), true);
    }

    record Issued(Path certificate, Path key) { }

    private Issued issue(String file, String commonName, KeyPurposeId purpose, Instant notAfter, boolean hostNames) {
        KeyPair keys = keyPair();
        X509Certificate certificate = sign(new X500Name("O=Fulcrum test,CN=" + commonName), caKeys,
                caSubject, keys.getPublic(),
                notAfter.minus(Duration.ofDays(60)), notAfter, builder -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
                    if (hostNames) {
                        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                                new GeneralName(GeneralName.dNSName, "localhost"),
                                new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress())}));
                    }
                });
        Path certificateFile = dir.resolve(file + ".crt");
        Path keyFile = dir.resolve(file + ".key");
        write(certificateFile, certificate);
        try (Writer out = Files.newBufferedWriter(keyFile); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(keys.getPrivate(), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(certificateFile, keyFile);
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws IOException;
    }

    private static X509Certificate sign(X500Name subject, KeyPair issuerKeys, X500Name issuer,
                                        java.security.PublicKey subjectKey, Instant notBefore, Instant notAfter,
                                        Extensions extensions) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter),
                    subject, subjectKey);
            extensions.add(builder);
            return new JcaX509CertificateConverter().getCertificate(builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, X509Certificate certificate) {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
