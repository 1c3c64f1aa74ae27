package io.fulcrum.controlplane.overview;

import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.snapshot.ConfigStateReader;
import io.fulcrum.controlplane.sync.NodeRegistry;
import io.fulcrum.controlplane.sync.NodeView;
import io.fulcrum.controlplane.security.RequiresRole;
import io.fulcrum.controlplane.security.Role;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** REST adapter for the system overview and the list of data-plane nodes. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class OverviewResource {

    @Inject
    ConfigStateReader reader;
    @Inject
    NodeRegistry registry;

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("overview")
    public Response overview() {
        ConfigState state = reader.read();
        return WriteResponder.read(OverviewBuilder.build(state, registry.connectedStats()), null, state.version());
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("nodes")
    public Response nodes() {
        return WriteResponder.read(registry.nodes(), null, reader.version());
    }
}
