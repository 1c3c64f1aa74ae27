package io.fulcrum.controlplane.overview;

import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.snapshot.ConfigStateReader;
import io.fulcrum.controlplane.sync.NodeRegistry;
import io.fulcrum.controlplane.sync.NodeView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST adapter for the system overview and the list of data-plane nodes. */
@Path("/api/v1")
@Tag(name = "Status")
@Produces(MediaType.APPLICATION_JSON)
public class OverviewResource {

    @Inject
    ConfigStateReader reader;
    @Inject
    NodeRegistry registry;

    @GET
    @Path("overview")
    @Operation(operationId = "getOverview",
            summary = "Every virtual and real server with admin state, health and live connection counts")
    @APIResponse(responseCode = "200", description = "The overview",
            content = @Content(schema = @Schema(implementation = Overview.class)))
    public Response overview() {
        ConfigState state = reader.read();
        return WriteResponder.read(OverviewBuilder.build(state, registry.connectedStats()), null, state.version());
    }

    @GET
    @Path("nodes")
    @Operation(operationId = "listNodes",
            summary = "Data-plane nodes: connection, last report, applied configuration version, last refusal")
    @APIResponse(responseCode = "200", description = "Known nodes, ordered by id",
            content = @Content(schema = @Schema(implementation = NodeView.class, type = SchemaType.ARRAY)))
    public Response nodes() {
        return WriteResponder.read(registry.nodes(), null, reader.version());
    }
}
