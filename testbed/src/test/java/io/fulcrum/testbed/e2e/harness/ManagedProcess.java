package io.fulcrum.testbed.e2e.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child process of the tests, its output in a log file, stopped by its own handle (TERM, then KILL). */
public final class ManagedProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final String name;
    private final Path log;
    // Where this process's output starts in the log: a log is appended to across restarts and
    // across test runs in one tree, and only this process's lines may answer awaitOutput.
    private final long logStart;
    private final Process process;

    private ManagedProcess(String name, Path log, long logStart, Process process) {
        this.name = name;
        this.log = log;
        this.logStart = logStart;
        this.process = process;
    }

    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path log) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            Files.writeString(log, "=== " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            return new ManagedProcess(name, log, logStart, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** The java executable of the JVM running the tests, so children run on the same Java. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** What this process printed (earlier processes logging to the same file are left out). */
    /** How many lines of the output so far contain {@code part} (e.g. one log line per episode). */
    public int linesContaining(String part) {
        return (int) output().lines().filter(line -> line.contains(part)).count();
    }

    public String output() {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            byte[] all = Files.readAllBytes(log);
            int from = (int) Math.min(logStart, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Polls the log until it contains the text; fails early if the process exits. */
    public void awaitOutput(String text, Duration timeout) {
        Poll.until(name + " to print \"" + text + "\"", timeout, () -> {
            if (output().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail(60));
            }
            return false;
        });
    }

    /** KILL, as a crash or a power loss ends a process: nothing of it runs any more. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends TERM and returns at once (see {@link #awaitExit}). */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end on its own and returns its exit code; fails at the deadline. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout.toMillis() + "ms:\n" + tail(40));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + name, e);
        }
    }

    public String tail(int lines) {
        List<String> all = output().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public void printTail(PrintStream out, int lines) {
        out.println("----- " + name + " (pid " + pid() + ", " + log + "), last " + lines + " lines -----");
        out.println(tail(lines));
    }

    /** TERM, wait for a clean exit within the grace period, then KILL: only this process, by its handle. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
