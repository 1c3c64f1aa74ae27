package io.fulcrum.controlplane.declarative;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.ApiHeaders;
import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.WaitParameter;
import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.snapshot.ConfigStateReader;
import io.fulcrum.controlplane.sync.NodeRegistry;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST adapter for /api/v1/config: export the whole configuration, or apply a whole document. */
@Path("/api/v1/config")
@Tag(name = "Configuration")
@Produces(MediaType.APPLICATION_JSON)
public class ConfigDocumentResource {

    @Inject
    ConfigStateReader reader;
    @Inject
    ConfigApplier applier;
    @Inject
    NodeRegistry nodes;

    @GET
    @Operation(operationId = "exportConfig",
            summary = "The whole configuration as one declarative document (ETag: the configuration version)")
    @APIResponse(responseCode = "200", description = "{\"virtualServices\": [{..., \"realServers\": [...]}]}",
            content = @Content(schema = @Schema(type = SchemaType.OBJECT)))
    public Response export() {
        ConfigState state = reader.read();
        ObjectNode document = JsonBodies.newObject();
        ArrayNode services = document.putArray("virtualServices");
        for (ConfigState.ConfiguredVirtualService configured : state.virtualServices()) {
            ObjectNode service = JsonBodies.toTree(configured.virtualService());
            service.remove("version");
            ArrayNode servers = service.putArray("realServers");
            for (RealServer rs : configured.realServers()) {
                servers.add(JsonBodies.toTree(rs).without("version"));
            }
            services.add(service);
        }
        return WriteResponder.read(document, state.version(), state.version());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "applyConfig", summary = "Make the configuration equal to the document "
            + "(create, replace, delete) in one change; with dryRun=true only report the plan")
    @APIResponse(responseCode = "200", description = "The plan, applied unless dryRun",
            content = @Content(schema = @Schema(implementation = ConfigPlan.class)))
    public Response apply(@HeaderParam("If-Match") String ifMatch,
            @Parameter(description = "Only compute the plan") @QueryParam("dryRun") boolean dryRun,
            @Parameter(description = "Wait up to this long (max 60s) for every connected node to apply the change")
            @QueryParam("wait") String wait,
            @RequestBody(content = @Content(schema = @Schema(type = SchemaType.OBJECT))) String body) {
        Duration waitFor = WaitParameter.parse(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        ConfigPlan plan = applier.apply(ConfigDocumentReader.read(JsonBodies.object(body)), dryRun, precondition);
        Response.ResponseBuilder response = Response.ok(plan)
                .header("ETag", IfMatch.etag(plan.configVersion()))
                .header(ApiHeaders.CONFIG_VERSION, plan.configVersion());
        if (waitFor != null && !dryRun) {
            response.header(ApiHeaders.SYNC, nodes.awaitApplied(plan.configVersion(), waitFor));
        }
        return response.build();
    }
}
