package io.fulcrum.controlplane.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.postgresql.util.PSQLException;

/** The single place that turns every failure of a request into an application/problem+json answer. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String UNIQUE_VIOLATION = "23505";

    @ServerExceptionMapper
    public Response problem(ProblemException problem, UriInfo uri) {
        return render(problem, uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException exception, UriInfo uri) {
        int status = exception.getResponse().getStatus();
        String kind = switch (status) {
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal" : "bad-request";
        };
        String title = Response.Status.fromStatusCode(status) == null
                ? "HTTP " + status : Response.Status.fromStatusCode(status).getReasonPhrase();
        return render(new ProblemException(status, kind, title, exception.getMessage(), null), uri);
    }

    /**
     * Unique constraints are the last line against concurrent writers that both passed the
     * application's own checks; the loser of such a race gets the same 409 as a sequential caller.
     */
    @ServerExceptionMapper
    public Response unexpected(Exception exception, UriInfo uri) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return render(UniqueConstraints.conflict(constraintName(sql)), uri);
            }
        }
        LOG.error("Request failed", exception);
        return render(new ProblemException(500, "internal", "Internal error",
                "the request failed; see the control plane log", null), uri);
    }

    private static String constraintName(SQLException sql) {
        for (SQLException next = sql; next != null; next = next.getNextException()) {
            if (next instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage().getConstraint();
            }
        }
        return null;
    }

    private static Response render(ProblemException problem, UriInfo uri) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(problem, uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "")))
                .build();
    }
}
