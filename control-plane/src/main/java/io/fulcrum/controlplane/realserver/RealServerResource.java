package io.fulcrum.controlplane.realserver;

import io.fulcrum.controlplane.api.ApiHeaders;
import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.WaitParameter;
import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.virtualservice.VirtualServiceService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST adapter for /api/v1/virtual-services/{name}/real-servers; PATCH {"state": "drain"} drains one. */
@Path(VirtualServiceService.COLLECTION + "/{name}/real-servers")
@Tag(name = "Real servers")
@Produces(MediaType.APPLICATION_JSON)
public class RealServerResource {

    private static final String WAIT = "Wait up to this long (max 60s) for every connected node to apply the change";

    @Inject
    RealServerService service;
    @Inject
    WriteResponder responder;

    @GET
    @APIResponse(responseCode = "200", description = "All, ordered",
            content = @Content(schema = @Schema(implementation = RealServer.class, type = SchemaType.ARRAY)))
    @Operation(operationId = "listRealServers", summary = "List the real servers of a virtual service, ordered by label")
    public Response list(@PathParam("name") String name) {
        var read = service.list(name);
        return WriteResponder.read(read.value(), null, read.configVersion());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = RealServer.class)))
    @Operation(operationId = "createRealServer", summary = "Add a real server (409 when the label exists)")
    public Response create(@PathParam("name") String name,
            @Parameter(description = WAIT) @QueryParam("wait") String wait,
            @RequestBody(content = @Content(schema = @Schema(implementation = RealServer.class))) String body) {
        Duration waitFor = WaitParameter.parse(wait);
        RealServer wanted = RealServerReader.read(JsonBodies.object(body), null);
        return responder.respond(service.create(name, wanted), waitFor, location(name, wanted.label()));
    }

    @GET
    @Path("{label}")
    @APIResponse(responseCode = "200", description = "The resource",
            content = @Content(schema = @Schema(implementation = RealServer.class)))
    @Operation(operationId = "getRealServer", summary = "Get one real server")
    public Response get(@PathParam("name") String name, @PathParam("label") String label) {
        var read = service.get(name, label);
        return WriteResponder.read(read.value(), read.value().version(), read.configVersion());
    }

    @PUT
    @Path("{label}")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "Replaced, or unchanged when identical",
            content = @Content(schema = @Schema(implementation = RealServer.class)))
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = RealServer.class)))
    @Operation(operationId = "putRealServer",
            summary = "Create (201) or replace (200) a real server; an identical document changes nothing")
    public Response put(@PathParam("name") String name, @PathParam("label") String label,
            @HeaderParam("If-Match") String ifMatch, @Parameter(description = WAIT) @QueryParam("wait") String wait,
            @RequestBody(content = @Content(schema = @Schema(implementation = RealServer.class))) String body) {
        Duration waitFor = WaitParameter.parse(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        RealServer wanted = RealServerReader.read(JsonBodies.object(body), label);
        return responder.respond(service.put(name, label, wanted, precondition), waitFor, location(name, label));
    }

    @PATCH
    @Path("{label}")
    @Consumes({ApiHeaders.MERGE_PATCH, MediaType.APPLICATION_JSON})
    @APIResponse(responseCode = "200", description = "Patched, or unchanged",
            content = @Content(schema = @Schema(implementation = RealServer.class)))
    @Operation(operationId = "patchRealServer",
            summary = "Change a real server with a JSON merge patch, e.g. {\"state\": \"drain\"}")
    public Response patch(@PathParam("name") String name, @PathParam("label") String label,
            @HeaderParam("If-Match") String ifMatch, @Parameter(description = WAIT) @QueryParam("wait") String wait,
            @RequestBody(content = @Content(schema = @Schema(implementation = RealServer.class))) String body) {
        Duration waitFor = WaitParameter.parse(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        return responder.respond(service.patch(name, label, JsonBodies.object(body), precondition), waitFor, null);
    }

    @DELETE
    @Path("{label}")
    @APIResponse(responseCode = "204", description = "Deleted")
    @Operation(operationId = "deleteRealServer", summary = "Remove a real server")
    public Response delete(@PathParam("name") String name, @PathParam("label") String label,
            @HeaderParam("If-Match") String ifMatch, @Parameter(description = WAIT) @QueryParam("wait") String wait) {
        Duration waitFor = WaitParameter.parse(wait);
        return responder.respond(service.delete(name, label, IfMatch.parse(ifMatch)), waitFor, null);
    }

    private static URI location(String name, String label) {
        return UriBuilder.fromPath(VirtualServiceService.COLLECTION).path(name).path("real-servers").path(label).build();
    }
}
