package io.fulcrum.controlplane.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operations the REST resources serve, read from their JAX-RS annotations: for each path
 * template the methods, the query parameters each takes and the media types it consumes. It is
 * what answers OPTIONS and 405, and what rejects unknown query parameters before any resource runs.
 */
public final class ApiRoutes {

    /**
     * One operation: an HTTP method on a route, its query parameters, accepted body media types,
     * and the resource method that serves it.
     */
    public record Operation(String method, Set<String> queryParameters, List<String> consumes, Method resourceMethod) {
    }

    /** A path template such as /api/v1/virtual-services/{name}, and its operations by method. */
    public record Route(String template, List<String> segments, Map<String, Operation> operations) {

        /** The Allow header: the methods, HEAD wherever GET is, and OPTIONS. */
        public String allow() {
            List<String> methods = new ArrayList<>(operations.keySet());
            if (operations.containsKey(HttpMethod.GET)) {
                methods.add(HttpMethod.HEAD);
            }
            methods.add(HttpMethod.OPTIONS);
            return String.join(", ", methods.stream().sorted().toList());
        }

        /** The operation serving {@code method}; HEAD is served by GET. */
        public Optional<Operation> operation(String method) {
            return Optional.ofNullable(operations.get(HttpMethod.HEAD.equals(method) ? HttpMethod.GET : method));
        }
    }

    /** A route that matched a request path, with its path parameters as raw (still encoded) text. */
    public record Match(Route route, Map<String, String> rawParameters) {
    }

    private final List<Route> routes;

    private ApiRoutes(List<Route> routes) {
        this.routes = routes;
    }

    public static ApiRoutes of(Collection<Class<?>> resources) {
        Map<String, Map<String, Operation>> byTemplate = new TreeMap<>();
        for (Class<?> resource : resources) {
            Path base = resource.getAnnotation(Path.class);
            if (base == null) {
                continue;
            }
            for (Method method : resource.getMethods()) {
                String httpMethod = httpMethod(method);
                if (httpMethod == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                String template = join(base.value(), sub == null ? "" : sub.value());
                byTemplate.computeIfAbsent(template, t -> new LinkedHashMap<>())
                        .put(httpMethod, new Operation(httpMethod, queryParameters(method), consumes(resource, method), method));
            }
        }
        List<Route> routes = new ArrayList<>();
        byTemplate.forEach((template, operations) -> routes.add(
                new Route(template, segments(template), Map.copyOf(operations))));
        // Literal segments win over parameters, as JAX-RS matching has it.
        routes.sort(Comparator.comparingLong((Route r) -> r.segments().stream().filter(s -> !s.startsWith("{")).count())
                .reversed());
        return new ApiRoutes(List.copyOf(routes));
    }

    public List<Route> routes() {
        return routes;
    }

    /** The route whose template matches the raw path (segments not yet decoded), if any. */
    public Optional<Match> match(String rawPath) {
        String path = rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        List<String> segments = segments(path);
        for (Route route : routes) {
            if (route.segments().size() != segments.size()) {
                continue;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            boolean matches = true;
            for (int i = 0; i < segments.size() && matches; i++) {
                String expected = route.segments().get(i);
                if (expected.startsWith("{")) {
                    parameters.put(expected.substring(1, expected.length() - 1), segments.get(i));
                    matches = !segments.get(i).isEmpty();
                } else {
                    matches = expected.equals(segments.get(i));
                }
            }
            if (matches) {
                return Optional.of(new Match(route, parameters));
            }
        }
        return Optional.empty();
    }

    private static String httpMethod(Method method) {
        for (Annotation annotation : method.getAnnotations()) {
            HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static Set<String> queryParameters(Method method) {
        return Set.copyOf(Arrays.stream(method.getParameters())
                .map(p -> p.getAnnotation(QueryParam.class))
                .filter(q -> q != null)
                .map(QueryParam::value)
                .toList());
    }

    private static List<String> consumes(Class<?> resource, Method method) {
        Consumes consumes = method.isAnnotationPresent(Consumes.class)
                ? method.getAnnotation(Consumes.class) : resource.getAnnotation(Consumes.class);
        return consumes == null ? List.of() : List.of(consumes.value());
    }

    private static String join(String base, String sub) {
        String joined = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static List<String> segments(String path) {
        // A leading slash gives one empty first element; every other empty segment is significant.
        List<String> parts = new ArrayList<>(Arrays.asList(path.split("/", -1)));
        if (!parts.isEmpty() && parts.get(0).isEmpty()) {
            parts.remove(0);
        }
        return parts;
    }
}
