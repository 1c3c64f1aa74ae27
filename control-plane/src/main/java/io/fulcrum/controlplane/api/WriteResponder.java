package io.fulcrum.controlplane.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.config.Versioned;
import io.fulcrum.controlplane.config.WriteResult;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.sync.NodeRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Builds the answer to a write: status, ETag, produced version and, with ?wait, the sync outcome. */
@ApplicationScoped
public class WriteResponder {

    @Inject
    NodeRegistry nodes;

    /**
     * The answer, at once without {@code wait}; with it, once every registered node applied the
     * produced version or the wait is over, without a thread held meanwhile.
     */
    public CompletionStage<Response> respond(WriteResult<? extends Versioned> result, Duration wait, URI createdAt) {
        Response.ResponseBuilder response;
        Object body = body(result);
        if (result.resource() == null) {
            response = Response.noContent();
        } else if (result.created()) {
            response = Response.created(createdAt).entity(body);
        } else {
            response = Response.ok(body);
        }
        if (result.resource() != null) {
            response.header("ETag", IfMatch.etag(result.resource().version()));
        }
        response.header(ApiHeaders.CONFIG_VERSION, result.configVersion());
        return withSync(response, result.configVersion(), wait);
    }

    /** Adds the Fulcrum-Sync header once ?wait found its answer (at once without a wait). */
    public CompletionStage<Response> withSync(Response.ResponseBuilder response, long version, Duration wait) {
        if (wait == null) {
            return CompletableFuture.completedFuture(response.build());
        }
        return nodes.awaitApplied(version, wait)
                .thenApply(outcome -> response.header(ApiHeaders.SYNC, outcome.header()).build());
    }

    /**
     * The resource itself, or its JSON with "warnings" (the first {@link Limits#REPORTED_WARNINGS})
     * and "warningCount" added when there are any.
     */
    private static Object body(WriteResult<? extends Versioned> result) {
        if (result.resource() == null || result.warnings().isEmpty()) {
            return result.resource();
        }
        ObjectNode tree = JsonBodies.toTree(result.resource());
        var warnings = tree.putArray("warnings");
        result.warnings().stream().limit(Limits.REPORTED_WARNINGS)
                .forEach(warning -> warnings.add(JsonBodies.toTree(warning)));
        tree.put("warningCount", result.warnings().size());
        return tree;
    }

    /** A read: the body, its ETag when it is a single resource, and the configuration version read at. */
    public static Response read(Object body, Long etagVersion, long configVersion) {
        Response.ResponseBuilder response = Response.ok(body).header(ApiHeaders.CONFIG_VERSION, configVersion);
        if (etagVersion != null) {
            response.header("ETag", IfMatch.etag(etagVersion));
        }
        return response.build();
    }
}
