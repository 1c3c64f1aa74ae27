package io.fulcrum.controlplane.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.sql.SQLException;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.postgresql.util.PSQLException;

/** The single place that turns every failure of a request into an application/problem+json answer. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    /** What a client is told to wait while the database is unreachable. */
    static final long DATABASE_RETRY_SECONDS = 5;
    private static final String UNIQUE_VIOLATION = "23505";

    @jakarta.inject.Inject
    DatabaseAvailability database;

    @ServerExceptionMapper
    public Response problem(ProblemException problem, UriInfo uri) {
        return render(problem, instance(uri));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException exception, UriInfo uri) {
        Response original = exception.getResponse();
        int status = original.getStatus();
        String[] kindAndField = switch (status) {
            case 404 -> new String[] {"not-found", "path"};
            case 405 -> new String[] {"method-not-allowed", "method"};
            case 406 -> new String[] {"not-acceptable", "Accept"};
            case 413 -> new String[] {"payload-too-large", "body"};
            case 415 -> new String[] {"unsupported-media-type", "Content-Type"};
            default -> status >= 500 ? new String[] {"internal", null} : new String[] {"bad-request", "request"};
        };
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "HTTP " + status : type.getReasonPhrase();
        Response rendered = render(ProblemException.http(status, kindAndField[0], title, kindAndField[1],
                exception.getMessage()), instance(uri));
        String allow = original.getHeaderString(HttpHeaders.ALLOW);
        return allow == null ? rendered : Response.fromResponse(rendered).header(HttpHeaders.ALLOW, allow).build();
    }

    /**
     * Unique constraints are the last line against concurrent writers that both passed the
     * application's own checks; the loser of such a race gets the same 409 as a sequential caller.
     */
    @ServerExceptionMapper
    public Response unexpected(Exception exception, UriInfo uri) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return render(UniqueConstraints.conflict(constraintName(sql)), instance(uri));
            }
            if (databaseUnreachable(cause)) {
                if (databaseDown(cause)) {
                    database.unreachable();
                }
                LOG.warnf("database unreachable during %s: %s", instance(uri), cause.getMessage());
                return render(ProblemException.databaseUnavailable(DATABASE_RETRY_SECONDS), instance(uri));
            }
            if (cause instanceof IOException && cause.getMessage() != null
                    && cause.getMessage().contains("Connection was closed")) {
                // The client left mid-request: nobody reads this answer, and nothing failed on our side.
                LOG.debugf("client closed the connection during %s", instance(uri));
                return render(ProblemException.http(400, "incomplete-request", "Incomplete request", "body",
                        "the client closed the connection before the request was complete"), instance(uri));
            }
        }
        LOG.error("Request failed", exception);
        return render(ProblemException.http(500, "internal", "Internal error", null,
                "the request failed; see the control plane log"), instance(uri));
    }

    /**
     * A connection the pool could not get or keep: SQLSTATE class 08 (connection exception, e.g. refused),
     * 57P (the server shutting down or starting: 57P01..57P03), or the pool's acquisition timeout while it
     * cannot open one.
     */
    /**
     * The database itself refused or lost the connection (SQLSTATE 08, 57P), as opposed to a pool that
     * was only busy: what marks it down for everyone ({@link DatabaseAvailability}).
     */
    public static boolean databaseDown(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    public static boolean databaseUnreachable(Throwable cause) {
        if (!(cause instanceof SQLException sql)) {
            return false;
        }
        String state = sql.getSQLState();
        return (state != null && (state.startsWith("08") || state.startsWith("57P")))
                || (sql.getMessage() != null && sql.getMessage().contains("Acquisition timeout"));
    }

    private static String constraintName(SQLException sql) {
        for (SQLException next = sql; next != null; next = next.getNextException()) {
            if (next instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
                return psql.getServerErrorMessage().getConstraint();
            }
        }
        return null;
    }

    private static String instance(UriInfo uri) {
        return uri == null ? null : uri.getRequestUri().getRawPath();
    }

    /** The problem+json answer for {@code problem}, with the headers it asks for. */
    static Response render(ProblemException problem, String instance) {
        LOG.debugf("%s answered %d %s", instance, problem.status(), problem.kind());
        Response.ResponseBuilder response = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(Problem.of(problem, instance == null ? null : ApiGate.shown(instance)));
        problem.headers().forEach(response::header);
        return response.build();
    }
}
