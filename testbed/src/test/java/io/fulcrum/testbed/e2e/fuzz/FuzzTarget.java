package io.fulcrum.testbed.e2e.fuzz;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The control plane under fuzzing: a process of its own on a fresh database, a client that sends
 * any bytes with any headers, the database's fingerprint (what a rejected request must leave as it
 * was), and the contract every answer is held to.
 */
public final class FuzzTarget implements AutoCloseable {

    /** Every table a write touches, in a fixed order, hashed whole. */
    private static final String FINGERPRINT = """
            SELECT (SELECT version FROM config_version)
                || ':' || (SELECT count(*) FROM audit_entry)
                || ':' || coalesce((SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM virtual_service t), '')
                || ':' || coalesce((SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM real_server t), '')
                || ':' || coalesce((SELECT md5(string_agg(t::text, ',' ORDER BY t.virtual_service_id, t.port))
                                    FROM virtual_service_port t), '')""";
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private final TestDatabase database;
    private final ControlPlaneProcess controlPlane;
    private final Connection connection;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final OpenApiInteractionValidator contract;
    final JsonNode document;

    private FuzzTarget(TestDatabase database, ControlPlaneProcess controlPlane, Connection connection,
            Path openApi) throws IOException {
        this.database = database;
        this.controlPlane = controlPlane;
        this.connection = connection;
        this.contract = OpenApiInteractionValidator.createForSpecificationUrl(openApi.toUri().toString()).build();
        this.document = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(openApi.toFile());
    }

    static FuzzTarget start(Path controlPlaneJar, Path openApi, Path logDir) throws Exception {
        TestDatabase database = TestDatabase.create();
        ControlPlaneProcess controlPlane = null;
        try {
            controlPlane = ControlPlaneProcess.start(controlPlaneJar, database, logDir);
            Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
            return new FuzzTarget(database, controlPlane, connection, openApi);
        } catch (Exception | AssertionError e) {
            if (controlPlane != null) {
                controlPlane.close();
            }
            database.close();
            throw e;
        }
    }

    /** The answer to one request, and how long it took. */
    public record Answer(int status, String contentType, String body, java.util.Map<String, java.util.List<String>> headers,
            Duration took) {
    }

    Answer send(FuzzRequest request) throws IOException, InterruptedException {
        URI uri = URI.create(controlPlane.api().base() + request.target());
        HttpRequest.BodyPublisher body = request.hasBody()
                ? HttpRequest.BodyPublishers.ofByteArray(request.body()) : HttpRequest.BodyPublishers.noBody();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(ANSWER_WITHIN).method(request.method(), body);
        request.headers().forEach(builder::header);
        // Every fuzzed request is an admin's: refusals must come from what it sends, not from who it is.
        builder.header("Authorization", "Bearer " + controlPlane.api().token());
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                response.body(), response.headers().map(), Duration.ofNanos(System.nanoTime() - started));
    }

    String fingerprint() throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(FINGERPRINT)) {
            row.next();
            return row.getString(1);
        }
    }

    /** What the document says is wrong with this answer; empty when it is one the document declares. */
    String contractViolations(FuzzRequest request, Answer answer) {
        SimpleResponse.Builder response = SimpleResponse.Builder.status(answer.status()).withBody(answer.body());
        answer.headers().forEach((name, values) -> response.withHeader(name, values));
        ValidationReport report = contract.validateResponse(request.path(), Request.Method.valueOf(request.method()),
                response.build());
        boolean undeclared = report.getMessages().stream().anyMatch(m -> m.getKey().endsWith(".path.missing")
                || m.getKey().endsWith(".operation.notAllowed"));
        if (undeclared) {
            // The HTTP server's own limits (413, 414, 431) come before routing, for any path.
            return Set.of(404, 405, 413, 414, 431).contains(answer.status())
                    && answer.contentType().startsWith("application/problem+json")
                    ? "" : "undeclared operation answered " + answer.status() + " " + answer.contentType();
        }
        return report.getMessages().stream().filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
                .map(m -> m.getKey() + ": " + m.getMessage()).collect(Collectors.joining("; "));
    }

    /** Whether the document calls the request valid (schema-valid requests the service refused are counted). */
    boolean requestIsValid(FuzzRequest request) {
        var builder = new com.atlassian.oai.validator.model.SimpleRequest.Builder(request.method(), request.path());
        if (request.query() != null) {
            for (String pair : request.query().split("&")) {
                String[] parts = pair.split("=", 2);
                builder.withQueryParam(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        request.headers().forEach(builder::withHeader);
        if (request.hasBody()) {
            builder.withBody(new String(request.body(), StandardCharsets.UTF_8));
        }
        return !contract.validateRequest(builder.build()).hasErrors();
    }

    ControlPlaneProcess controlPlane() {
        return controlPlane;
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            System.err.println("closing the fingerprint connection failed: " + e);
        }
        controlPlane.close();
        database.close();
    }
}
