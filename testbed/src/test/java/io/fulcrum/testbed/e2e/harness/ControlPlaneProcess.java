package io.fulcrum.testbed.e2e.harness;

import io.fulcrum.testbed.api.FulcrumApi;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The control plane as a separate process (java -jar quarkus-run.jar) on free REST and gRPC ports. */
public final class ControlPlaneProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final ManagedProcess process;
    private final FulcrumApi api;
    private final int httpPort;
    private final int grpcPort;

    private ControlPlaneProcess(ManagedProcess process, FulcrumApi api, int httpPort, int grpcPort) {
        this.process = process;
        this.api = api;
        this.httpPort = httpPort;
        this.grpcPort = grpcPort;
    }

    /** Starts on free ports. */
    public static ControlPlaneProcess start(Path jar, TestDatabase database, Path logDir) {
        return start(jar, database, logDir, FreePorts.on("127.0.0.1"), FreePorts.on("127.0.0.1"));
    }

    /** Starts a new process on the ports of this (stopped) one, so nodes reconnect to the address they know. */
    public ControlPlaneProcess restart(Path jar, TestDatabase database, Path logDir) {
        return start(jar, database, logDir, httpPort, grpcPort);
    }

    /** The admin token every test process of the control plane starts with (its bootstrap token). */
    public static final String ADMIN_TOKEN = "fulcrum_e2e-admin-" + java.util.UUID.randomUUID().toString().replace("-", "");

    private static ControlPlaneProcess start(Path jar, TestDatabase database, Path logDir, int httpPort, int grpcPort) {
        Map<String, String> env = Map.of(
                "FULCRUM_BOOTSTRAP_TOKEN", ADMIN_TOKEN,
                "FULCRUM_DB_URL", database.url(),
                "FULCRUM_DB_USER", database.user(),
                "FULCRUM_DB_PASSWORD", database.password(),
                "QUARKUS_HTTP_HOST", "127.0.0.1",
                "QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "QUARKUS_GRPC_SERVER_HOST", "127.0.0.1",
                "QUARKUS_GRPC_SERVER_PORT", Integer.toString(grpcPort));
        ManagedProcess process = ManagedProcess.start("control-plane",
                List.of(ManagedProcess.java(), "-Xmx384m", "-jar", jar.toString()), env,
                logDir.resolve("control-plane.log"));
        ControlPlaneProcess controlPlane = new ControlPlaneProcess(process,
                new FulcrumApi(URI.create("http://127.0.0.1:" + httpPort), ADMIN_TOKEN), httpPort, grpcPort);
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
        Poll.until("control plane readiness at " + api.base() + "/q/health/ready", READY_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("control plane exited:\n" + process.tail(80));
            }
            return api.get("/q/health/ready").status() == 200;
        });
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
