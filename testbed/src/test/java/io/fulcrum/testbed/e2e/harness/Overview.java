package io.fulcrum.testbed.e2e.harness;

import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.testbed.api.FulcrumApi;

/** Reads GET /api/v1/overview: the status of a virtual service and the health of its real servers. */
public final class Overview {

    private final FulcrumApi api;

    public Overview(FulcrumApi api) {
        this.api = api;
    }

    public JsonNode virtualService(String name) {
        for (JsonNode virtualService : api.get("/api/v1/overview").requireSuccess().json().path("virtualServices")) {
            if (name.equals(virtualService.path("name").asText())) {
                return virtualService;
            }
        }
        throw new IllegalStateException("overview does not list " + name);
    }

    public JsonNode realServer(String virtualService, String label) {
        for (JsonNode realServer : virtualService(virtualService).path("realServers")) {
            if (label.equals(realServer.path("label").asText())) {
                return realServer;
            }
        }
        throw new IllegalStateException("overview does not list " + virtualService + "/" + label);
    }

    /** "up", "down" or "unknown". */
    public String health(String virtualService, String label) {
        return realServer(virtualService, label).path("health").asText();
    }

    /**
     * Whether each of {@code nodes} nodes reports the real server down. The combined {@link #health} is
     * down as soon as one node says so, while another node's own checks may not have failed yet and
     * would still send a new flow there.
     */
    public boolean downOnEveryNode(String virtualService, String label, int nodes) {
        JsonNode byNode = realServer(virtualService, label).path("healthByNode");
        if (byNode.size() < nodes) {
            return false;
        }
        for (JsonNode health : byNode) {
            if (!"down".equals(health.asText())) {
                return false;
            }
        }
        return true;
    }
}
