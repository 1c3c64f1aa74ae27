package io.fulcrum.testbed.e2e.fuzz;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * One fuzzing run: the target, the request generators, and the bookkeeping of what was sent. Every
 * {@value #RESEED_EVERY} requests the configuration is put back to a small known one, so writes keep
 * finding the virtual and real servers they aim at.
 */
public final class ApiFuzz implements AutoCloseable {

    public static final Duration ANSWER_WITHIN = FuzzTarget.ANSWER_WITHIN;
    private static final int RESEED_EVERY = 250;
    private static final List<String> SERVICES = IntStream.range(0, 5).mapToObj(i -> "fz-base-" + i).toList();
    private static final List<String> LABELS = List.of("rs-0", "rs-1", "rs-2", "rs-9", "RAS_Server1");

    private final FuzzTarget target;
    private final Requests requests;
    private final long startedAt = System.nanoTime();
    private final Map<String, Integer> statuses = new TreeMap<>();
    private long sent;
    private long slowestMillis;
    private String fingerprint;

    /** What one request did. */
    public record Outcome(FuzzTarget.Answer answer, String fingerprintBefore, String fingerprintAfter,
            String contractViolations) {
    }

    private ApiFuzz(FuzzTarget target) {
        this.target = target;
        this.requests = new Requests(new SchemaValues(target.document, new Random(1)), SERVICES, LABELS);
    }

    public static ApiFuzz start() throws Exception {
        Path workDir = Path.of("target", "e2e", "fuzz-" + LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))).toAbsolutePath();
        ApiFuzz fuzz = new ApiFuzz(FuzzTarget.start(Path.of(property("fulcrum.controlPlane.jar")),
                Path.of(property("fulcrum.openapi.published")), workDir));
        fuzz.reseed();
        return fuzz;
    }

    public Requests requests() {
        return requests;
    }

    public Outcome send(FuzzRequest request) throws Exception {
        if (sent > 0 && sent % RESEED_EVERY == 0) {
            reseed();
        }
        String before = fingerprint;
        FuzzTarget.Answer answer = target.send(request);
        sent++;
        statuses.merge(request.operation() + " " + answer.status(), 1, Integer::sum);
        slowestMillis = Math.max(slowestMillis, answer.took().toMillis());
        fingerprint = target.fingerprint();
        return new Outcome(answer, before, fingerprint, target.contractViolations(request, answer));
    }

    private void reseed() throws Exception {
        StringBuilder document = new StringBuilder("{\"virtualServices\": [");
        for (int i = 0; i < SERVICES.size(); i++) {
            document.append(i == 0 ? "" : ",").append("{\"name\": \"").append(SERVICES.get(i))
                    .append("\", \"address\": \"127.9.0.").append(i + 1).append("\", \"ports\": [443, 80],")
                    .append(" \"realServers\": [{\"label\": \"rs-0\", \"address\": \"127.0.0.21\"},")
                    .append(" {\"label\": \"rs-1\", \"address\": \"127.0.0.22\", \"port\": 8443},")
                    .append(" {\"label\": \"rs-2\", \"address\": \"127.0.0.23\", \"weight\": 0}]}");
        }
        byte[] body = document.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        FuzzTarget.Answer answer = target.send(new FuzzRequest("PUT", "/api/v1/config", null,
                Map.of("Content-Type", "application/json"), body, "PUT /api/v1/config", "seed"));
        if (answer.status() != 200) {
            throw new IllegalStateException("seeding failed: " + answer.status() + " " + answer.body());
        }
        fingerprint = target.fingerprint();
    }

    public void report(PrintStream out) {
        out.printf("API fuzz: %d requests in %.1f s, slowest answer %d ms%n", sent,
                (System.nanoTime() - startedAt) / 1e9, slowestMillis);
        statuses.forEach((key, count) -> out.println("  " + key + ": " + count));
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("system property " + name + " is not set (the testbed pom sets it)");
        }
        return value;
    }

    @Override
    public void close() {
        target.close();
    }
}
