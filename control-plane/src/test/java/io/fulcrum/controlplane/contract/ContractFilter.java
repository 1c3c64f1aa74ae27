package io.fulcrum.controlplane.contract;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredRequest;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Holds every API interaction of the test suite to openapi/openapi.yaml: each response must be
 * one the document declares for its operation (status, headers, media type, body schema), and each
 * request the service accepted (2xx) must be valid by the document, so the document is never
 * stricter than the service. Requests to paths or methods the document does not have must be
 * answered 404 or 405 as problem+json. A mismatch fails the test that made the request.
 */
public final class ContractFilter implements OrderedFilter {

    static final AtomicLong RESPONSES_CHECKED = new AtomicLong();
    static final AtomicLong REQUESTS_CHECKED = new AtomicLong();
    private static volatile OpenApiInteractionValidator validator;

    @Override
    public int getOrder() {
        // Last, so it sees the request exactly as it is sent and the response as it arrived.
        return Integer.MAX_VALUE;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
            FilterContext context) {
        Response response = context.next(request, responseSpec);
        String path = request.getDerivedPath();
        if (!path.startsWith("/api/") || List.of("OPTIONS", "HEAD").contains(request.getMethod())) {
            return response;
        }
        Request.Method method = Request.Method.valueOf(request.getMethod());
        com.atlassian.oai.validator.model.Response answer = RestAssuredResponse.of(response);
        ValidationReport responseReport = validator().validateResponse(path, method, answer);
        if (undeclared(responseReport)) {
            // The HTTP server's own limits come before routing, so they answer undeclared paths too.
            requireProblem(request, response, 404, 405, 413, 414, 431);
            return response;
        }
        RESPONSES_CHECKED.incrementAndGet();
        fail("response", request, response, responseReport);
        if (response.statusCode() >= 200 && response.statusCode() < 300) {
            REQUESTS_CHECKED.incrementAndGet();
            fail("accepted request", request, response, validator().validateRequest(RestAssuredRequest.of(request)));
        }
        return response;
    }

    private static boolean undeclared(ValidationReport report) {
        return report.getMessages().stream().anyMatch(m -> m.getKey().endsWith(".path.missing")
                || m.getKey().endsWith(".operation.notAllowed"));
    }

    private static void requireProblem(FilterableRequestSpecification request, Response response, int... statuses) {
        boolean expectedStatus = java.util.Arrays.stream(statuses).anyMatch(s -> s == response.statusCode());
        String type = response.contentType() == null ? "" : response.contentType();
        if (!expectedStatus || !type.startsWith("application/problem+json")) {
            throw new AssertionError("contract: " + request.getMethod() + " " + request.getURI()
                    + " is not in openapi/openapi.yaml, so it must be answered 404 or 405 (or 413, 414, 431) as"
                    + " problem+json; got "
                    + response.statusCode() + " " + type);
        }
    }

    private static void fail(String what, FilterableRequestSpecification request, Response response,
            ValidationReport report) {
        if (report.hasErrors()) {
            throw new AssertionError("contract: the " + what + " of " + request.getMethod() + " " + request.getURI()
                    + " (answered " + response.statusCode() + ") does not match openapi/openapi.yaml:\n"
                    + report.getMessages().stream().map(m -> "  - " + m.getKey() + ": " + m.getMessage())
                            .collect(Collectors.joining("\n"))
                    + "\nbody: " + abbreviated(response.asString()));
        }
    }

    private static String abbreviated(String body) {
        return body == null ? "" : body.length() > 2000 ? body.substring(0, 2000) + "..." : body;
    }

    static OpenApiInteractionValidator validator() {
        OpenApiInteractionValidator known = validator;
        if (known == null) {
            synchronized (ContractFilter.class) {
                if (validator == null) {
                    validator = OpenApiInteractionValidator.createForSpecificationUrl(published().toUri().toString())
                            .build();
                }
                known = validator;
            }
        }
        return known;
    }

    static Path published() {
        return Path.of(System.getProperty("fulcrum.openapi.published", "../openapi/openapi.yaml"));
    }
}
