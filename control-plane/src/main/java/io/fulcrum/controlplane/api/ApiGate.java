package io.fulcrum.controlplane.api;

import io.fulcrum.controlplane.validation.Names;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks every /api request against the operations the resources declare before any of them
 * runs: unknown paths (404), methods (405 with Allow; OPTIONS answers with Allow), unknown or
 * repeated query parameters and broken escapes (400 naming the parameter), path parameters that
 * cannot name a resource (400), and body media types (415 unless JSON in UTF-8). A request that
 * passes reaches a resource method that takes exactly what it was given.
 */
@Provider
@PreMatching
public class ApiGate implements ContainerRequestFilter {

    private static final String PREFIX = "/api/";
    private static final Set<String> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    @Inject
    BeanManager beans;

    private volatile ApiRoutes routes;

    @Override
    public void filter(ContainerRequestContext request) {
        String rawPath = request.getUriInfo().getRequestUri().getRawPath();
        if (rawPath == null || !(rawPath + "/").startsWith(PREFIX)) {
            return;
        }
        Optional<Response> refusal;
        try {
            refusal = check(request, rawPath);
        } catch (ProblemException problem) {
            refusal = Optional.of(ProblemMappers.render(problem, rawPath));
        }
        refusal.ifPresent(request::abortWith);
    }

    private Optional<Response> check(ContainerRequestContext request, String rawPath) {
        ApiRoutes.Match match = routes().match(rawPath).orElseThrow(() ->
                ProblemException.notFound("path", "no such resource: " + shown(rawPath)));
        ApiRoutes.Route route = match.route();
        String method = request.getMethod();
        if (HttpMethod.OPTIONS.equals(method)) {
            Response.ResponseBuilder options = Response.noContent().header(HttpHeaders.ALLOW, route.allow());
            if (route.operations().containsKey(HttpMethod.PATCH)) {
                options.header("Accept-Patch", String.join(", ", route.operations().get(HttpMethod.PATCH).consumes()));
            }
            return Optional.of(options.build());
        }
        ApiRoutes.Operation operation = route.operation(method)
                .orElseThrow(() -> ProblemException.methodNotAllowed(method, route.allow()));
        checkPathParameters(match.rawParameters());
        checkQuery(request.getUriInfo().getRequestUri().getRawQuery(), operation);
        // An empty If-Match reaches resources as if it were absent; it is a client's mistake, not "no precondition".
        List<String> ifMatch = request.getHeaders().get("If-Match");
        if (ifMatch != null) {
            if (ifMatch.size() > 1) {
                throw ProblemException.badRequest("If-Match", "If-Match: given more than once (expected one header)");
            }
            IfMatch.parse(ifMatch.get(0));
        }
        if (WITH_BODY.contains(method)) {
            checkContentType(request.getHeaderString(HttpHeaders.CONTENT_TYPE), operation);
        }
        return Optional.empty();
    }

    private static void checkPathParameters(Map<String, String> raw) {
        raw.forEach((name, value) -> {
            Optional<String> decoded = PercentDecoding.decode(value, false);
            if (decoded.isEmpty()) {
                throw ProblemException.badRequest(name, name + ": " + shown(value)
                        + " (expected percent-escapes of UTF-8 text)");
            }
            if (Names.accept(decoded.get()) == null) {
                throw ProblemException.badRequest(name, name + ": " + shown(decoded.get())
                        + " (expected " + Names.EXPECTED + ")");
            }
        });
    }

    private static void checkQuery(String rawQuery, ApiRoutes.Operation operation) {
        if (rawQuery == null) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String name = PercentDecoding.decode(rawName, true).orElseThrow(() ->
                    ProblemException.badRequest("query", "query: " + shown(rawName) + " (expected a parameter name)"));
            if (!operation.queryParameters().contains(name)) {
                String expected = operation.queryParameters().isEmpty() ? "no query parameters"
                        : "one of " + String.join(", ", operation.queryParameters().stream().sorted().toList());
                throw ProblemException.badRequest(name.isEmpty() ? "query" : shown(name),
                        (name.isEmpty() ? "query: empty parameter" : shown(name) + ": unknown query parameter")
                                + " (expected " + expected + ")");
            }
            if (!seen.add(name)) {
                throw ProblemException.badRequest(name, name + ": given more than once (expected it at most once)");
            }
            String rawValue = equals < 0 ? "" : pair.substring(equals + 1);
            if (rawValue.isEmpty()) {
                // JAX-RS hands an empty value to the resource as if the parameter were absent:
                // "?dryRun=" must not mean "apply".
                throw ProblemException.badRequest(name, name + ": empty (expected a value)");
            }
            if (PercentDecoding.decode(rawValue, true).isEmpty()) {
                throw ProblemException.badRequest(name, name + ": " + shown(rawValue)
                        + " (expected percent-escapes of UTF-8 text)");
            }
        }
    }

    private static void checkContentType(String header, ApiRoutes.Operation operation) {
        List<String> accepted = operation.consumes();
        String expected = String.join(" or ", accepted) + " (UTF-8)";
        if (header == null || header.isBlank()) {
            throw ProblemException.unsupportedMediaType("Content-Type: missing (expected " + expected + ")");
        }
        MediaType type;
        try {
            type = MediaType.valueOf(header);
        } catch (IllegalArgumentException e) {
            throw ProblemException.unsupportedMediaType("Content-Type: " + shown(header) + " (expected " + expected + ")");
        }
        boolean known = accepted.stream().map(MediaType::valueOf)
                .anyMatch(a -> a.getType().equalsIgnoreCase(type.getType())
                        && a.getSubtype().equalsIgnoreCase(type.getSubtype()));
        String charset = type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (!known || (charset != null && !charset.equalsIgnoreCase("utf-8"))) {
            throw ProblemException.unsupportedMediaType("Content-Type: " + shown(header) + " (expected " + expected + ")");
        }
    }

    private ApiRoutes routes() {
        ApiRoutes known = routes;
        if (known == null) {
            Set<Class<?>> resources = new HashSet<>();
            for (Bean<?> bean : beans.getBeans(Object.class, Any.Literal.INSTANCE)) {
                if (bean.getBeanClass().isAnnotationPresent(Path.class)) {
                    resources.add(bean.getBeanClass());
                }
            }
            known = ApiRoutes.of(resources);
            routes = known;
        }
        return known;
    }

    /** Request text as it may appear in an answer: short, without control characters. */
    public static String shown(String text) {
        String cut = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(c -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c)
                : new String(Character.toChars(c))));
        return out.toString();
    }
}
