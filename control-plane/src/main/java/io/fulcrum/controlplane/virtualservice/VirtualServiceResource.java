package io.fulcrum.controlplane.virtualservice;

import io.fulcrum.controlplane.api.ApiHeaders;
import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.QueryParameters;
import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.domain.Limits;
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

/**
 * REST adapter for /api/v1/virtual-services: parses, delegates to the service, shapes answers.
 * openapi/openapi.yaml documents every operation.
 */
@Path(VirtualServiceService.COLLECTION)
@Produces(MediaType.APPLICATION_JSON)
public class VirtualServiceResource {

    @Inject
    VirtualServiceService service;
    @Inject
    WriteResponder responder;

    @RequiresRole(Role.VIEWER)
    @GET
    public Response list() {
        var read = service.list();
        return WriteResponder.read(read.value(), null, read.configVersion());
    }

    @RequiresRole(Role.ADMIN)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> create(@QueryParam("wait") String wait, InputStream body) {
        Duration waitFor = QueryParameters.wait(wait);
        VirtualService wanted = VirtualServiceReader.read(
                JsonBodies.object(body, Limits.RESOURCE_BODY_BYTES, "POST " + VirtualServiceService.COLLECTION), null);
        var result = service.create(wanted);
        return responder.respond(result, waitFor, location(wanted.name()));
    }

    @RequiresRole(Role.VIEWER)
    @GET
    @Path("{name}")
    public Response get(@PathParam("name") String name) {
        var read = service.get(name);
        return WriteResponder.read(read.value(), read.value().version(), read.configVersion());
    }

    @RequiresRole(Role.ADMIN)
    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> put(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch,
            @QueryParam("wait") String wait, InputStream body) {
        Duration waitFor = QueryParameters.wait(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        VirtualService wanted = VirtualServiceReader.read(JsonBodies.object(body, Limits.RESOURCE_BODY_BYTES,
                "PUT " + VirtualServiceService.COLLECTION + "/{name}"), name);
        return responder.respond(service.put(name, wanted, precondition), waitFor, location(name));
    }

    @RequiresRole(Role.ADMIN)
    @PATCH
    @Path("{name}")
    @Consumes({ApiHeaders.MERGE_PATCH, MediaType.APPLICATION_JSON})
    @Blocking
    public CompletionStage<Response> patch(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch,
            @QueryParam("wait") String wait, InputStream body) {
        Duration waitFor = QueryParameters.wait(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        var patch = JsonBodies.object(body, Limits.RESOURCE_BODY_BYTES,
                "PATCH " + VirtualServiceService.COLLECTION + "/{name}");
        return responder.respond(service.patch(name, patch, precondition), waitFor, null);
    }

    @RequiresRole(Role.ADMIN)
    @DELETE
    @Path("{name}")
    @Blocking
    public CompletionStage<Response> delete(@PathParam("name") String name, @HeaderParam("If-Match") String ifMatch,
            @QueryParam("wait") String wait) {
        Duration waitFor = QueryParameters.wait(wait);
        return responder.respond(service.delete(name, IfMatch.parse(ifMatch)), waitFor, null);
    }

    private static URI location(String name) {
        return UriBuilder.fromPath(VirtualServiceService.COLLECTION).path(name).build();
    }
}
