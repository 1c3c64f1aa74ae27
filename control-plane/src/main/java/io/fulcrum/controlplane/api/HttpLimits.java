package io.fulcrum.controlplane.api;

import io.fulcrum.controlplane.domain.Limits;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * The HTTP server's own limits, answered as problem+json like every other error: request target
 * (414), header section (431) and declared body size (413, before a byte of the body is read).
 * The server's parser has larger limits still (application.properties); only a request beyond
 * those, or one that is not HTTP at all, gets the parser's bare answer. Errors the router raises
 * itself (a broken percent-escape, no route) are rendered here too.
 */
@ApplicationScoped
public class HttpLimits {

    /** Runs before Quarkus' own body-size check (order -2), so ours answers first. */
    private static final int ORDER = -3;
    private static final long LINGER_MILLIS = 10_000;
    private static final long LINGER_BYTES = 64L * 1024 * 1024;
    /** Status to kind, title, the part of the request at fault, detail. */
    private static final Map<Integer, String[]> ROUTER_ERRORS = Map.of(
            400, new String[] {"malformed-request", "Malformed request", "request", "the request is malformed"},
            404, new String[] {"not-found", "Not found", "path", "no such resource"},
            405, new String[] {"method-not-allowed", "Method not allowed", "method", "the method is not allowed here"},
            413, new String[] {"payload-too-large", "Payload too large", "body", "the body is larger than the server accepts"},
            500, new String[] {"internal", "Internal error", null, "the request failed; see the control plane log"});

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
        ROUTER_ERRORS.forEach((status, problem) -> router.errorHandler(status, context -> {
            if (!context.response().headWritten()) {
                answer(context.request(), ProblemException.http(status, problem[0], problem[1], problem[2], problem[3]));
            }
        }));
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.uri().length() > Limits.URI_BYTES) {
            answer(request, ProblemException.http(414, "uri-too-long", "URI too long", "uri",
                    "the request target is " + request.uri().length() + " bytes; at most " + Limits.URI_BYTES
                            + " are accepted"));
            return;
        }
        int headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > Limits.HEADER_BYTES) {
            answer(request, ProblemException.http(431, "headers-too-large", "Request header fields too large", "headers",
                    "the header section is " + headerBytes + " bytes; at most " + Limits.HEADER_BYTES
                            + " are accepted"));
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            int limit = bodyLimit(request);
            if (!length.matches("[0-9]{1,18}")) {
                answer(request, ProblemException.malformed("Content-Length", "Content-Length: "
                        + ApiGate.shown(length) + " (expected a number of bytes)"));
                return;
            }
            if (Long.parseLong(length) > limit) {
                answer(request, ProblemException.tooLarge("body", "the body is " + length + " bytes; "
                        + request.method() + " " + request.path() + " accepts at most " + limit));
                return;
            }
        }
        context.next();
    }

    /** Bodies without a Content-Length are cut at the same limit while being read (JsonBodies). */
    public static int bodyLimit(HttpServerRequest request) {
        String path = request.path() == null ? "" : request.path().replaceFirst("/$", "");
        return "/api/v1/config".equals(path) ? Limits.DOCUMENT_BODY_BYTES : Limits.RESOURCE_BODY_BYTES;
    }

    /** Answers the request with the problem before any other route runs; 413, 414 and 431 close the connection. */
    public static void answer(HttpServerRequest request, ProblemException problem) {
        HttpServerResponse response = request.response();
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        problem.headers().forEach(response::putHeader);
        if (problem.status() == 413 || problem.status() == 431 || problem.status() == 414) {
            // What is left of the request is never parsed, so the connection cannot carry another.
            response.putHeader("Connection", "close");
            if (problem.status() == 413) {
                lingerThenClose(request);
            } else {
                response.endHandler(ignored -> request.connection().close());
            }
        }
        String path = request.path() == null ? "" : request.path();
        response.end(JsonBodies.toJson(Problem.of(problem, ApiGate.shown(path))));
    }

    /**
     * Reads and drops the refused body before closing, as nginx's lingering close does: a client
     * still sending would otherwise get a reset instead of the answer. Bounded in bytes and time.
     */
    private static void lingerThenClose(HttpServerRequest request) {
        long[] dropped = {0};
        long timer = request.connection() == null ? -1 : io.vertx.core.Vertx.currentContext().owner()
                .setTimer(LINGER_MILLIS, id -> request.connection().close());
        request.handler(buffer -> {
            dropped[0] += buffer.length();
            if (dropped[0] > LINGER_BYTES) {
                request.connection().close();
            }
        });
        request.endHandler(ignored -> {
            io.vertx.core.Vertx.currentContext().owner().cancelTimer(timer);
            request.connection().close();
        });
        request.resume();
    }
}
