package io.fulcrum.controlplane.realserver;

import io.fulcrum.controlplane.api.ApiHeaders;
import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.QueryParameters;
import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.virtualservice.VirtualServiceService;
import io.fulcrum.controlplane.security.Caller;
import io.fulcrum.controlplane.security.RequiresRole;
import io.fulcrum.controlplane.security.Role;
import io.smallrye.common.annotation.Blocking;
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
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.Set;

/**
 * REST adapter for /api/v1/virtual-services/{name}/real-servers; PATCH {"state": "drain"} drains
 * one. openapi/openapi.yaml documents every operation.
 */
@Path(VirtualServiceService.COLLECTION + "/{name}/real-servers")
@Produces(MediaType.APPLICATION_JSON)
public class RealServerResource {

    private static final String ITEM = VirtualServiceService.COLLECTION + "/{name}/real-servers/{label}";

    /** What an operator may change: taking a real server in and out of service, and its share. */
    private static final Set<String> OPERATOR_FIELDS = Set.of("state", "weight");

    @Inject
    RealServerService service;
    @Inject
    Caller caller;
    @Inject
    WriteResponder responder;

    @RequiresRole(Role.VIEWER)
    @GET
    public Response list(@PathParam("name") String name) {
        var read = service.list(name);
        return WriteResponder.read(read.value(), null, read.configVersion());
    }

    @RequiresRole(Role.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> create(@PathParam("name") String name, @QueryParam("wait") String wait, InputStream body) {
        Duration waitFor = QueryParameters.wait(wait);
        RealServer wanted = RealServerReader.read(JsonBodies.object(body, Limits.RESOURCE_BODY_BYTES,
                "POST " + VirtualServiceService.COLLECTION + "/{name}/real-servers"), null);
        return responder.respond(service.create(name, wanted), waitFor, location(name, wanted.label()));
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{label}")
    public Response get(@PathParam("name") String name, @PathParam("label") String label) {
        var read = service.get(name, label);
        return WriteResponder.read(read.value(), read.value().version(), read.configVersion());
    }

    @RequiresRole(Role.ADMIN)
    @PUT
    @Path("{label}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> put(@PathParam("name") String name, @PathParam("label") String label,
            @HeaderParam("If-Match") String ifMatch, @QueryParam("wait") String wait, InputStream body) {
        Duration waitFor = QueryParameters.wait(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        RealServer wanted = RealServerReader.read(JsonBodies.object(body, Limits.RESOURCE_BODY_BYTES, "PUT " + ITEM),
                label);
        return responder.respond(service.put(name, label, wanted, precondition), waitFor, location(name, label));
    }

    @RequiresRole(Role.OPERATOR)
    @PATCH
    @Path("{label}")
    @Consumes({ApiHeaders.MERGE_PATCH, MediaType.APPLICATION_JSON})
    @Blocking
    public CompletionStage<Response> patch(@PathParam("name") String name, @PathParam("label") String label,
            @HeaderParam("If-Match") String ifMatch, @QueryParam("wait") String wait, InputStream body) {
        Duration waitFor = QueryParameters.wait(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        var patch = JsonBodies.object(body, Limits.RESOURCE_BODY_BYTES, "PATCH " + ITEM);
        caller.allowOnly(patch.fieldNames(), OPERATOR_FIELDS, Role.ADMIN, "a real server");
        return responder.respond(service.patch(name, label, patch, precondition), waitFor, null);
    }

    @RequiresRole(Role.ADMIN)
    @DELETE
    @Path("{label}")
    @Blocking
    public CompletionStage<Response> delete(@PathParam("name") String name, @PathParam("label") String label,
            @HeaderParam("If-Match") String ifMatch, @QueryParam("wait") String wait) {
        Duration waitFor = QueryParameters.wait(wait);
        return responder.respond(service.delete(name, label, IfMatch.parse(ifMatch)), waitFor, null);
    }

    private static URI location(String name, String label) {
        return UriBuilder.fromPath(VirtualServiceService.COLLECTION).path(name).path("real-servers").path(label).build();
    }
}
