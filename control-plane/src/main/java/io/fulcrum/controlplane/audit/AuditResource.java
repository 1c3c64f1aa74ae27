package io.fulcrum.controlplane.audit;

import io.fulcrum.controlplane.api.QueryParameters;
import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.security.RequiresRole;
import io.fulcrum.controlplane.security.Role;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** REST adapter for /api/v1/audit. */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditLog log;

    @RequiresRole(Role.VIEWER)
    @GET
    public Response list(@QueryParam("limit") String limit) {
        AuditLog.Page page = log.newest(QueryParameters.integer("limit", limit, Limits.AUDIT_PAGE_DEFAULT, 1,
                Limits.AUDIT_PAGE_MAX));
        return WriteResponder.read(page.entries(), null, page.configVersion());
    }
}
