package io.fulcrum.testbed.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Waits, through GET /api/v1/nodes, until named data-plane nodes are connected and have applied a version. */
public final class NodeSync {

    private final FulcrumApi api;

    public NodeSync(FulcrumApi api) {
        this.api = api;
    }

    /** The node list, accepting both a bare array and the paginated {"items": [...]} shape. */
    public JsonNode nodes() {
        JsonNode body = api.get("/api/v1/nodes").requireSuccess().json();
        return body.has("items") ? body.get("items") : body;
    }

    public JsonNode node(String id) {
        for (JsonNode node : nodes()) {
            if (id.equals(node.path("id").asText())) {
                return node;
            }
        }
        return null;
    }

    /** Nodes among the given ids that are not connected or have applied less than the version. */
    public List<String> lagging(Collection<String> nodeIds, long version) {
        List<String> lagging = new ArrayList<>();
        for (String id : nodeIds) {
            JsonNode node = node(id);
            if (node == null || !node.path("connected").asBoolean(false)
                    || node.path("appliedVersion").asLong(-1) < version) {
                lagging.add(id + "=" + (node == null ? "absent" : node.toString()));
            }
        }
        return lagging;
    }

    /** Polls until every named node applied at least the version; fails naming the laggards at the deadline. */
    public void awaitApplied(Collection<String> nodeIds, long version, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        List<String> lagging = lagging(nodeIds, version);
        while (!lagging.isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("nodes did not apply configuration version " + version
                        + " within " + timeout.toMillis() + "ms: " + lagging);
            }
            FulcrumApi.pause(Duration.ofMillis(100));
            lagging = lagging(nodeIds, version);
        }
    }

    /** The current configuration version, as the API reports it on a read. */
    public long currentVersion() {
        return api.get(FulcrumApi.VIRTUAL_SERVICES).requireSuccess().requireConfigVersion();
    }
}
