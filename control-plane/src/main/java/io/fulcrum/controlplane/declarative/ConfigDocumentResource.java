package io.fulcrum.controlplane.declarative;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.ApiHeaders;
import io.fulcrum.controlplane.api.IfMatch;
import io.fulcrum.controlplane.api.JsonBodies;
import io.fulcrum.controlplane.api.QueryParameters;
import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.snapshot.ConfigStateReader;
import io.fulcrum.controlplane.security.RequiresRole;
import io.fulcrum.controlplane.security.Role;
import io.smallrye.common.annotation.Blocking;
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
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** REST adapter for /api/v1/config: export the whole configuration, or apply a whole document. */
@Path(ConfigDocumentResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class ConfigDocumentResource {

    static final String PATH = "/api/v1/config";

    @Inject
    ConfigStateReader reader;
    @Inject
    ConfigApplier applier;
    @Inject
    WriteResponder responder;

    @RequiresRole(Role.VIEWER)
    @GET
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

    @RequiresRole(Role.ADMIN)
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> apply(@HeaderParam("If-Match") String ifMatch, @QueryParam("dryRun") String dryRunText,
            @QueryParam("wait") String wait, InputStream body) {
        boolean dryRun = QueryParameters.flag("dryRun", dryRunText, false);
        Duration waitFor = QueryParameters.wait(wait);
        IfMatch precondition = IfMatch.parse(ifMatch);
        var document = JsonBodies.object(body, Limits.DOCUMENT_BODY_BYTES, "PUT " + PATH);
        ConfigPlan plan = applier.apply(ConfigDocumentReader.read(document), dryRun, precondition);
        Response.ResponseBuilder response = Response.ok(plan)
                .header("ETag", IfMatch.etag(plan.configVersion()))
                .header(ApiHeaders.CONFIG_VERSION, plan.configVersion());
        return responder.withSync(response, plan.configVersion(), dryRun ? null : waitFor);
    }
}
