package io.fulcrum.controlplane.audit;

import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.api.WriteResponder;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST adapter for /api/v1/audit. */
@Path("/api/v1/audit")
@Tag(name = "Audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;

    @Inject
    AuditLog log;

    @GET
    @Operation(operationId = "listAuditEntries", summary = "Committed changes, newest first")
    @APIResponse(responseCode = "200", description = "Audit entries, newest first",
            content = @Content(schema = @Schema(implementation = AuditEntry.class, type = SchemaType.ARRAY)))
    public Response list(@Parameter(description = "How many entries (1..1000, default 100)")
            @QueryParam("limit") String limit) {
        AuditLog.Page page = log.newest(parseLimit(limit));
        return WriteResponder.read(page.entries(), null, page.configVersion());
    }

    private static int parseLimit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // falls through to the problem below
        }
        throw ProblemException.badRequest("limit", "limit: " + text + " (expected 1.." + MAX_LIMIT + ")");
    }
}
