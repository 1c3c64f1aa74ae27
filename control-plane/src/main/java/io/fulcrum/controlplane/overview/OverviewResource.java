package io.fulcrum.controlplane.overview;

import io.fulcrum.controlplane.api.ApiGate;
import io.fulcrum.controlplane.api.ApiHeaders;
import io.fulcrum.controlplane.api.DatabaseAvailability;
import io.fulcrum.controlplane.api.ServedFromMemory;
import io.fulcrum.controlplane.api.ProblemMappers;
import io.fulcrum.controlplane.snapshot.SnapshotRefresher;
import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.api.WriteResponder;
import io.fulcrum.controlplane.snapshot.SnapshotCache;
import io.fulcrum.controlplane.snapshot.ConfigState;
import io.fulcrum.controlplane.snapshot.ConfigStateReader;
import io.fulcrum.controlplane.sync.NodeRegistry;
import io.fulcrum.controlplane.sync.NodeView;
import io.fulcrum.controlplane.security.RequiresRole;
import io.fulcrum.controlplane.security.Role;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
    @Inject
    SnapshotCache cache;
    @Inject
    SnapshotRefresher refresher;
    @Inject
    DatabaseAvailability database;

    /**
     * The configuration as stored, with the nodes' reports. While the database cannot be reached: the
     * configuration nodes were last sent, marked {@code Fulcrum-Stale}, so operators keep their view
     * of the data plane exactly when they need it.
     */
    @RequiresRole(Role.VIEWER)
    @ServedFromMemory
    @GET
    @Path("overview")
    public Response overview() {
        ConfigState state;
        boolean stale = false;
        try {
            database.require();
            state = reader.read();
        } catch (RuntimeException e) {
            if (!databaseUnreachable(e) || refresher.lastPublished().isEmpty()) {
                throw e;
            }
            if (ProblemMappers.databaseDown(e)) {
                database.unreachable();
            }
            state = refresher.lastPublished().get();
            stale = true;
        }
        Response response = WriteResponder.read(OverviewBuilder.build(state, registry.connectedStats()), null,
                state.version());
        return stale ? stale(response) : response;
    }

    /**
     * From memory: the registry holds every known node, so this answers while the database is down
     * (marked {@code Fulcrum-Stale}: rows of nodes other instances hold are as last read).
     */
    @RequiresRole(Role.VIEWER)
    @ServedFromMemory
    @GET
    @Path("nodes")
    public Response nodes() {
        Response response = WriteResponder.read(registry.nodes(), null, cache.currentVersion());
        return registry.databaseFailing() ? stale(response) : response;
    }

    private static Response stale(Response response) {
        return Response.fromResponse(response).header(ApiHeaders.STALE, STALE_REASON).build();
    }

    static final String STALE_REASON = "database-unavailable";

    private static boolean databaseUnreachable(Throwable failure) {
        if (failure instanceof ProblemException problem && problem.status() == 503) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (ProblemMappers.databaseUnreachable(cause)) {
                return true;
            }
        }
        return false;
    }

    /** Decommissions a node that is not connected: forgotten, and no longer waited for by ?wait. */
    @RequiresRole(Role.ADMIN)
    @DELETE
    @Path("nodes/{id}")
    public Response decommission(@PathParam("id") String id) {
        return switch (registry.decommission(id)) {
            case REMOVED -> Response.noContent().build();
            case CONNECTED -> throw ProblemException.conflict("id", "node " + ApiGate.shown(id)
                    + " is connected; stop it before decommissioning it");
            case UNKNOWN -> throw ProblemException.notFound("id", "no node " + ApiGate.shown(id));
        };
    }
}
