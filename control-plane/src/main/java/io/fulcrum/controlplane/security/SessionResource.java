package io.fulcrum.controlplane.security;

import io.fulcrum.controlplane.api.ServedFromMemory;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Who the caller is and what it may do: the System Overview page asks it after sign-in and shows a
 * viewer no buttons. From memory: it needs nothing but the authenticated request.
 */
@Path("/api/v1/session")
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    /** The caller's name (a token's name or the single sign-on subject) and role. */
    public record Session(String principal, Role role) {
    }

    @Inject
    Caller caller;

    @RequiresRole(Role.VIEWER)
    @ServedFromMemory
    @GET
    public Session session() {
        return new Session(caller.name(), caller.role());
    }
}
