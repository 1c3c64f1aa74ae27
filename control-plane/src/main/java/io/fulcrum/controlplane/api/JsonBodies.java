package io.fulcrum.controlplane.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Parses request bodies into JSON trees. Bodies are read as trees rather than bound to classes so
 * that validation can report every bad field with its path, and merge patches can be applied first.
 */
public final class JsonBodies {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBodies() {
    }

    public static ObjectNode object(String body) {
        if (body == null || body.isBlank()) {
            throw ProblemException.malformed("the request body is empty; a JSON object is expected");
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ProblemException.malformed("malformed JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw ProblemException.malformed("a JSON object is expected");
        }
        return (ObjectNode) tree;
    }

    public static ObjectNode newObject() {
        return MAPPER.createObjectNode();
    }

    public static ObjectNode toTree(Object value) {
        return MAPPER.valueToTree(value);
    }

    public static String toJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 7396 JSON merge patch: objects merge recursively, null removes, anything else replaces. */
    public static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch;
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : MAPPER.createObjectNode();
        patch.fields().forEachRemaining(entry -> {
            if (entry.getValue().isNull()) {
                result.remove(entry.getKey());
            } else {
                result.set(entry.getKey(), mergePatch(result.get(entry.getKey()), entry.getValue()));
            }
        });
        return result;
    }
}
