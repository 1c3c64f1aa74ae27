package io.fulcrum.controlplane.virtualservice;

import io.fulcrum.controlplane.api.ApiHeaders;
import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.WaitParameter;
import io.fulcrum.controlplane.api.WriteResponder;
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
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** REST adapter for /api/v1/virtual-services: parses, delegates to the service, shapes answers. */
@Path(VirtualServiceService.COLLECTION)
@Tag(name = "Virtual services")
@Produces(MediaType.APPLICATION_JSON)
public class VirtualServiceResource {

    private static final String WAIT = "Wait up to this long (max 60s) for every connected node to apply the change";

    @Inject
    VirtualServiceService service;
    @Inject
    WriteResponder responder;

    @GET
    @APIResponse(responseCode = "200", description = "All, ordered",
            content = @Content(schema = @Schema(implementation = VirtualService.class, type = SchemaType.ARRAY)))
    @Operation(operationId = "listVirtualServices", summary = "List virtual services, ordered by name")
    public Response list() {
        var read = service.list();
        return WriteResponder.read(read.value(), null, read.configVersion());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = VirtualService.class)))
    @Operation(operationId = "createVirtualService", summary = "Create a virtual service (409 when the name exists)")
    public Response create(@Parameter(description = WAIT) @QueryParam("wait") String wait,
            @RequestBody(content = @Content(schema = @Schema(implementation = VirtualService.class))) String body) {
        Duration waitFor = WaitParameter.parse(wait);
        VirtualService wanted = VirtualServiceReader.read(JsonBodies.object(body), null);
        var result = service.create(wanted);
        return responder.respond(result, waitFor, location(wanted.name()));
    }

    @GET
    @Path("{name}")
    @APIResponse(responseCode = "200", description = "The resource",
            content = @Content(schema = @Schema(implementation = VirtualService.class)))
    @Operation(operationId = "getVirtualService", summary = "Get one virtual service")
    public Response get(@PathParam("name") String name) {
        var read = service.get(name);
        return WriteResponder.read(read.value(), read.value().version(), read.configVersion());
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "200", description = "Replaced, or unchanged when identical",
            content = @Content(schema = @Schema(implementation = VirtualService.class)))
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = VirtualService.class)))
    @Operation(operationId = "putVirtualService",
            summary = "Create (201) or replace (200) a virtual service; an identical document changes nothing")
    public Response put(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch,
            @Parameter(description = WAIT) @QueryParam("wait") String wait,
            @RequestBody(content = @Content(schema = @Schema(implementation = VirtualService.class))) String body) {
        Duration waitFor = WaitParameter.parse(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        VirtualService wanted = VirtualServiceReader.read(JsonBodies.object(body), name);
        return responder.respond(service.put(name, wanted, precondition), waitFor, location(name));
    }

    @PATCH
    @Path("{name}")
    @Consumes({ApiHeaders.MERGE_PATCH, MediaType.APPLICATION_JSON})
    @APIResponse(responseCode = "200", description = "Patched, or unchanged",
            content = @Content(schema = @Schema(implementation = VirtualService.class)))
    @Operation(operationId = "patchVirtualService", summary = "Change a virtual service with a JSON merge patch (RFC 7396)")
    public Response patch(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch,
            @Parameter(description = WAIT) @QueryParam("wait") String wait,
            @RequestBody(content = @Content(schema = @Schema(implementation = VirtualService.class))) String body) {
        Duration waitFor = WaitParameter.parse(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        return responder.respond(service.patch(name, JsonBodies.object(body), precondition), waitFor, null);
    }

    @DELETE
    @Path("{name}")
    @APIResponse(responseCode = "204", description = "Deleted")
    @Operation(operationId = "deleteVirtualService", summary = "Delete a virtual service and its real servers")
    public Response delete(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch,
            @Parameter(description = WAIT) @QueryParam("wait") String wait) {
        Duration waitFor = WaitParameter.parse(wait);
        return responder.respond(service.delete(name, IfMatch.parse(ifMatch)), waitFor, null);
    }

    private static java.net.URI location(String name) {
        return UriBuilder.fromPath(VirtualServiceService.COLLECTION).path(name).build();
    }
}
