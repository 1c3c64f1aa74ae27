package io.fulcrum.testbed.e2e.harness;

import io.fulcrum.testbed.api.FulcrumApi;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The control plane as a separate process (java -jar quarkus-run.jar) on free REST, gRPC and management
 * ports; readiness is read from the management port.
 */
public final class ControlPlaneProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final ManagedProcess process;
    private final FulcrumApi api;
    private final FulcrumApi management;
    private final int httpPort;
    private final int grpcPort;
    private final Map<String, String> settings;
    private int httpsPort;

    private ControlPlaneProcess(ManagedProcess process, FulcrumApi api, FulcrumApi management, int httpPort,
                                int grpcPort, Map<String, String> settings) {
        this.process = process;
        this.api = api;
        this.management = management;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
        this.settings = settings;
    }

    /** Starts on free ports. */
    public static ControlPlaneProcess start(Path jar, TestDatabase database, Path logDir) {
        return start(jar, database, logDir, Map.of());
    }

    /** Starts on free ports with these extra environment settings (e.g. FULCRUM_NODE_CA). */
    public static ControlPlaneProcess start(Path jar, TestDatabase database, Path logDir, Map<String, String> settings) {
        return start(jar, database, logDir, FreePorts.on("127.0.0.1"), FreePorts.on("127.0.0.1"), settings);
    }

    /** Starts a new process on the ports of this (stopped) one, so nodes reconnect to the address they know. */
    public ControlPlaneProcess restart(Path jar, TestDatabase database, Path logDir) {
        return start(jar, database, logDir, httpPort, grpcPort, settings);
    }

    /**
     * The settings that make the control plane serve HTTPS and mutual TLS to nodes with the files
     * deploy/local/pki.sh made under {@code pki}.
     */
    public static Map<String, String> tlsSettings(Path pki) {
        return Map.of(
                "FULCRUM_TLS_CERT", pki.resolve("control-plane.crt").toString(),
                "FULCRUM_TLS_KEY", pki.resolve("control-plane.key").toString(),
                "FULCRUM_NODE_CA", pki.resolve("ca.crt").toString());
    }

    /** The admin token every test process of the control plane starts with (its bootstrap token). */
    public static final String ADMIN_TOKEN = "fulcrum_e2e-admin-" + java.util.UUID.randomUUID().toString().replace("-", "");

    private static ControlPlaneProcess start(Path jar, TestDatabase database, Path logDir, int httpPort, int grpcPort,
                                             Map<String, String> settings) {
        int managementPort = FreePorts.on("127.0.0.1");
        int httpsPort = FreePorts.on("127.0.0.1");
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.putAll(Map.of(
                "FULCRUM_BOOTSTRAP_TOKEN", ADMIN_TOKEN,
                "FULCRUM_DB_URL", database.url(),
                "FULCRUM_DB_USER", database.user(),
                "FULCRUM_DB_PASSWORD", database.password(),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "QUARKUS_GRPC_SERVER_HOST", "127.0.0.1",
                "QUARKUS_GRPC_SERVER_PORT", Integer.toString(grpcPort)));
        env.put("QUARKUS_HTTP_SSL_PORT", Integer.toString(httpsPort));
        env.put("QUARKUS_MANAGEMENT_PORT", Integer.toString(managementPort));
        ManagedProcess process = ManagedProcess.start("control-plane",
                List.of(ManagedProcess.java(), "-Xmx384m", "-jar", jar.toString()), env,
                logDir.resolve("control-plane.log"));
        ControlPlaneProcess controlPlane = new ControlPlaneProcess(process,
                new FulcrumApi(URI.create("http://127.0.0.1:" + httpPort), ADMIN_TOKEN),
                new FulcrumApi(URI.create("http://127.0.0.1:" + managementPort), null), httpPort, grpcPort, settings);
        controlPlane.httpsPort = httpsPort;
        try {
            controlPlane.awaitReady();
        } catch (RuntimeException | AssertionError e) {
            System.err.println(process.tail(80));
            process.close();
            throw e;
        }
        return controlPlane;
    }

    private void awaitReady() {
        Poll.until("control plane readiness at " + management.base() + "/q/health/ready", READY_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("control plane exited:\n" + process.tail(80));
            }
            try {
                return management.get("/q/health/ready").status() == 200;
            } catch (java.io.UncheckedIOException notYetListening) {
                return false;
            }
        });
    }

    /** The management port's health and metrics (no token). */
    public FulcrumApi management() {
        return management;
    }

    /** The REST API over HTTPS, when the control plane has a certificate. */
    public URI httpsBase() {
        return URI.create("https://127.0.0.1:" + httpsPort);
    }

    public FulcrumApi api() {
        return api;
    }

    public String grpcTarget() {
        return "127.0.0.1:" + grpcPort;
    }

    public ManagedProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
