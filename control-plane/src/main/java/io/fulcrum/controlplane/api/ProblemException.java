package io.fulcrum.controlplane.api;

import java.util.List;
import java.util.Map;

/** A request that cannot be served, carrying everything the problem+json answer needs. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String kind;
    private final String title;
    private final List<FieldError> errors;
    private final int errorCount;
    private final Map<String, String> headers;

    public ProblemException(int status, String kind, String title, String detail, List<FieldError> errors) {
        this(status, kind, title, detail, errors, errors == null ? 0 : errors.size(), Map.of());
    }

    private ProblemException(int status, String kind, String title, String detail, List<FieldError> errors,
            int errorCount, Map<String, String> headers) {
        super(detail, null, false, false);
        this.status = status;
        this.kind = kind;
        this.title = title;
        this.errors = errors == null ? null : List.copyOf(errors);
        this.errorCount = errorCount;
        this.headers = Map.copyOf(headers);
    }

    /** 400 listing {@code reported} (the first violations) out of {@code count} in all. */
    public static ProblemException validation(List<FieldError> reported, int count) {
        String detail = count == 1 ? reported.get(0).message()
                : count + " fields are invalid" + (count > reported.size() ? " (the first " + reported.size()
                        + " are listed)" : "");
        return new ProblemException(400, "validation", "Invalid request", detail, reported, count, Map.of());
    }

    public static ProblemException validation(List<FieldError> errors) {
        return validation(errors, errors.size());
    }

    public static ProblemException badRequest(String field, String message) {
        return validation(List.of(new FieldError(field, message)));
    }

    /** 400 for a body that is not JSON at all; {@code field} is "body" or the offending JSON path. */
    public static ProblemException malformed(String field, String detail) {
        return new ProblemException(400, "malformed-request", "Malformed request", detail,
                List.of(new FieldError(field, detail)));
    }

    /** 404; {@code field} is the path parameter that names what does not exist, or "path". */
    public static ProblemException notFound(String field, String detail) {
        return new ProblemException(404, "not-found", "Not found", detail, List.of(new FieldError(field, detail)));
    }

    public static ProblemException conflict(String field, String detail) {
        return new ProblemException(409, "conflict", "Conflict", detail,
                field == null ? null : List.of(new FieldError(field, detail)));
    }

    public static ProblemException preconditionFailed(String detail) {
        return new ProblemException(412, "precondition-failed", "Precondition failed", detail,
                List.of(new FieldError("If-Match", detail)));
    }

    public static ProblemException methodNotAllowed(String method, String allow) {
        String detail = method + " is not allowed here (allowed: " + allow + ")";
        return new ProblemException(405, "method-not-allowed", "Method not allowed", detail,
                List.of(new FieldError("method", detail)), 1, Map.of("Allow", allow));
    }

    /** 401 with the Bearer challenge of RFC 6750; {@code error} is null when no credentials came at all. */
    public static ProblemException unauthorized(String error, String detail) {
        String challenge = "Bearer realm=\"fulcrum\"" + (error == null ? "" : ", error=\"" + error + "\"");
        return new ProblemException(401, "unauthorized", "Unauthorized", detail,
                List.of(new FieldError("Authorization", detail)), 1, Map.of("WWW-Authenticate", challenge));
    }

    /** 403: authenticated, but the role may not do this; {@code field} is what it may not change. */
    public static ProblemException forbidden(String field, String detail) {
        return new ProblemException(403, "forbidden", "Forbidden", detail, List.of(new FieldError(field, detail)), 1,
                Map.of());
    }

    public static ProblemException tooManyRequests(long retryAfterSeconds, String detail) {
        return new ProblemException(429, "too-many-requests", "Too many requests", detail,
                List.of(new FieldError("Authorization", detail)), 1,
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    /** 503: the database cannot be reached (the request changed nothing); clients retry after a while. */
    public static ProblemException databaseUnavailable(long retryAfterSeconds) {
        String detail = "the database cannot be reached; nothing was changed; retry in " + retryAfterSeconds + "s";
        return new ProblemException(503, "database-unavailable", "Database unavailable", detail, List.of(), 0,
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public static ProblemException tooLarge(String field, String detail) {
        // The rest of an oversized body is never read, so the connection cannot be reused.
        return new ProblemException(413, "payload-too-large", "Payload too large", detail,
                List.of(new FieldError(field, detail)), 1, Map.of("Connection", "close"));
    }

    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "unsupported-media-type", "Unsupported media type", detail,
                List.of(new FieldError("Content-Type", detail)));
    }

    /**
     * A problem of any status raised below the API (the HTTP server, routing); {@code field} names
     * the part of the request at fault ("uri", "headers", "method", "Accept"...), or is null for a 5xx.
     */
    public static ProblemException http(int status, String kind, String title, String field, String detail) {
        return new ProblemException(status, kind, title, detail,
                field == null ? null : List.of(new FieldError(field, detail)));
    }

    public int status() {
        return status;
    }

    public String kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }

    public int errorCount() {
        return errorCount;
    }

    /** Headers the answer must carry, e.g. Allow on a 405. */
    public Map<String, String> headers() {
        return headers;
    }
}
