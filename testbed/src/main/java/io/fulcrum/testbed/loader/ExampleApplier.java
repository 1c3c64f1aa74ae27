package io.fulcrum.testbed.loader;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.ApiResponse;
import io.fulcrum.testbed.api.FulcrumApi;

import java.util.function.Consumer;

/**
 * Puts each virtual service, then each of its real servers, reporting created / replaced / unchanged.
 * An identical PUT is a no-op in the API, so applying the same document twice changes nothing.
 */
final class ExampleApplier {

    private final FulcrumApi api;
    private final Consumer<String> out;

    ExampleApplier(FulcrumApi api, Consumer<String> out) {
        this.api = api;
        this.out = out;
    }

    void apply(JsonNode document) {
        JsonNode virtualServices = document.path("virtualServices");
        if (!virtualServices.isArray()) {
            throw new IllegalStateException("the document needs a \"virtualServices\" array");
        }
        for (JsonNode virtualService : virtualServices) {
            String name = requiredText(virtualService, "name");
            ObjectNode body = ((ObjectNode) virtualService).deepCopy();
            body.remove("realServers");
            String path = FulcrumApi.virtualService(name);
            put("virtual service " + name, path, body);
            for (JsonNode realServer : virtualService.path("realServers")) {
                String label = requiredText(realServer, "label");
                put("real server " + name + "/" + label, FulcrumApi.realServer(name, label), realServer);
            }
        }
    }

    private void put(String what, String path, JsonNode body) {
        // The version before the PUT tells a replace from a no-op: both answer 200.
        ApiResponse before = api.get(path);
        ApiResponse after = api.put(path, body).requireSuccess();
        long version = after.json().path("version").asLong(after.requireConfigVersion());
        String outcome;
        if (after.status() == 201) {
            outcome = "created";
        } else if (before.isSuccess() && before.json().path("version").asLong(-1) == version) {
            outcome = "unchanged";
        } else {
            outcome = "replaced";
        }
        out.accept(what + " " + outcome + " (version " + version + ")");
        // Accepted as written; the API only advises (e.g. one real server behind layer 7 and layer 4).
        for (JsonNode warning : after.json().path("warnings")) {
            out.accept("  warning: " + warning.path("message").asText());
        }
    }

    private static String requiredText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalStateException("every entry needs a \"" + field + "\": " + node);
        }
        return value.asText();
    }
}
