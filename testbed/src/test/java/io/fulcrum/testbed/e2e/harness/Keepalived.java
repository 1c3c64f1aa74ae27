package io.fulcrum.testbed.e2e.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived (VRRP only) in one network namespace, with its own pid files, its log in the work
 * directory, and the state fulcrum-notify.sh records for each instance.
 */
public final class Keepalived implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/keepalived");

    private final ManagedProcess process;
    private final Path vrrpPid;
    private final Path stateDir;

    private Keepalived(ManagedProcess process, Path vrrpPid, Path stateDir) {
        this.process = process;
        this.vrrpPid = vrrpPid;
        this.stateDir = stateDir;
    }

    public static Optional<String> unavailable() {
        return Files.isExecutable(BINARY) ? Optional.empty()
                : Optional.of("keepalived is not installed (Debian: apt-get install keepalived)");
    }

    /** Starts keepalived in {@code namespace} with {@code config}; its files go to {@code dir}. */
    public static Keepalived start(String namespace, Path config, Path dir, Path stateDir) {
        Path vrrpPid = dir.resolve("vrrp.pid");
        List<String> command = new java.util.ArrayList<>(PairNetwork.in(namespace));
        command.addAll(List.of(BINARY.toString(), "--dont-fork", "--log-console", "--log-detail", "--vrrp",
                "-f", config.toString(), "-p", dir.resolve("keepalived.pid").toString(), "-r", vrrpPid.toString()));
        ManagedProcess process = ManagedProcess.start("keepalived-" + namespace, command, Map.of(),
                dir.resolve("keepalived.log"));
        return new Keepalived(process, vrrpPid, stateDir);
    }

    /** The last transition fulcrum-notify.sh recorded for the instance (MASTER, BACKUP, FAULT, STOP), or "". */
    public String state(String instance) {
        try {
            Path file = stateDir.resolve("vrrp-" + instance + ".state");
            return Files.exists(file) ? Files.readString(file).split(" ")[0].strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    public void awaitState(String instance, String state, Duration timeout) {
        Poll.until(process.name() + " " + instance + " " + state, timeout, () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited:\n" + process.tail(40));
            }
            return state.equals(state(instance));
        });
    }

    public ManagedProcess process() {
        return process;
    }

    /** KILL to keepalived and its VRRP child, as when the host dies. */
    public void kill() {
        Optional<ProcessHandle> child = vrrpChild();
        process.kill();
        child.ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        Optional<ProcessHandle> child = vrrpChild();
        process.close();
        // keepalived's child normally ends with its parent; one left behind is ended by its handle.
        child.filter(ProcessHandle::isAlive).ifPresent(handle -> {
            handle.destroyForcibly();
            try {
                handle.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("keepalived's VRRP process " + handle.pid() + " did not end: " + e);
            }
        });
    }

    /** The VRRP process keepalived forked, only while it is a child of ours. */
    private Optional<ProcessHandle> vrrpChild() {
        try {
            long pid = Long.parseLong(Files.readString(vrrpPid).strip());
            return ProcessHandle.of(pid).filter(handle -> handle.parent().map(p -> p.pid() == process.pid()).orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
