package io.fulcrum.controlplane.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.validation.FieldReader;
import io.fulcrum.controlplane.validation.Names;
import io.fulcrum.controlplane.validation.Violations;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.InputStream;
import java.time.Duration;
import java.util.Set;

/** REST adapter for /api/v1/tokens: admins create (the secret is in that answer only), list and revoke tokens. */
@Path(ApiTokens.COLLECTION)
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    private static final Set<String> FIELDS = Set.of("name", "role", "expiresIn");

    @Inject
    ApiTokens tokens;

    @GET
    @RequiresRole(Role.ADMIN)
    public Response list() {
        return Response.ok(tokens.list()).build();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RequiresRole(Role.ADMIN)
    public Response create(InputStream body) {
        ObjectNode json = JsonBodies.object(body, Limits.RESOURCE_BODY_BYTES, "POST " + ApiTokens.COLLECTION);
        Violations violations = new Violations();
        FieldReader fields = new FieldReader(json, "", violations, FIELDS);
        String name = fields.required("name", Names.EXPECTED, Names::accept);
        Role role = fields.choice("role", null, Role.class);
        if (!fields.present("role")) {
            fields.rejectText("role", "missing", "admin | operator | viewer");
        }
        Duration lifetime = fields.duration("expiresIn", null, Limits.TOKEN_LIFETIME_MIN, Limits.TOKEN_LIFETIME_MAX);
        violations.throwIfAny();
        TokenView created = tokens.create(name, role, lifetime);
        return Response.created(UriBuilder.fromPath(ApiTokens.COLLECTION).path(name).build())
                .header("Cache-Control", "no-store").entity(created).build();
    }

    @DELETE
    @Path("{name}")
    @RequiresRole(Role.ADMIN)
    public Response revoke(@PathParam("name") String name) {
        tokens.revoke(name);
        return Response.noContent().build();
    }
}
