package io.fulcrum.testbed.e2e.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.curiousoddman.rgxgen.RgxGen;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Values generated from the OpenAPI document alone, as a schema-driven fuzzer makes them: types,
 * enums, ranges, lengths, patterns (strings drawn from each regex), required and nullable members,
 * array sizes and uniqueness. It knows nothing the document does not say, so how often the service
 * accepts what it makes measures how precise the document is.
 */
final class SchemaValues {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final JsonNode document;
    private final Random random;
    private final Map<String, RgxGen> patterns = new HashMap<>();

    SchemaValues(JsonNode document, Random random) {
        this.document = document;
        this.random = random;
    }

    JsonNode schema(String name) {
        return document.at("/components/schemas/" + name);
    }

    /** A request value valid by {@code schema}; read-only members are left out, as a client would. */
    JsonNode value(JsonNode schema) {
        JsonNode resolved = resolve(schema);
        if (resolved.path("nullable").asBoolean() && random.nextInt(20) == 0) {
            return JSON.nullNode();
        }
        if (resolved.has("enum")) {
            JsonNode choices = resolved.get("enum");
            JsonNode choice = choices.get(random.nextInt(choices.size()));
            return choice.isNull() && !resolved.path("nullable").asBoolean() ? choices.get(0) : choice;
        }
        return switch (resolved.path("type").asText("object")) {
            case "object" -> object(resolved);
            case "array" -> array(resolved);
            case "integer" -> integer(resolved);
            case "boolean" -> JSON.booleanNode(random.nextBoolean());
            case "string" -> JSON.textNode(string(resolved));
            default -> throw new IllegalStateException("type " + resolved.path("type"));
        };
    }

    private ObjectNode object(JsonNode schema) {
        ObjectNode object = JSON.objectNode();
        Set<String> required = new HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            JsonNode propertySchema = resolve(property.getValue());
            if (propertySchema.path("readOnly").asBoolean()) {
                continue;
            }
            if (required.contains(property.getKey()) || random.nextBoolean()) {
                object.set(property.getKey(), value(property.getValue()));
            }
        }
        return object;
    }

    private ArrayNode array(JsonNode schema) {
        int min = schema.path("minItems").asInt(0);
        int max = Math.min(schema.path("maxItems").asInt(3), Math.max(min, 3));
        int size = min + random.nextInt(max - min + 1);
        ArrayNode array = JSON.arrayNode();
        Set<JsonNode> seen = new LinkedHashSet<>();
        for (int attempts = 0; array.size() < size && attempts < size * 10; attempts++) {
            JsonNode item = value(schema.get("items"));
            if (!schema.path("uniqueItems").asBoolean() || seen.add(item)) {
                array.add(item);
            }
        }
        return array;
    }

    private JsonNode integer(JsonNode schema) {
        long min = schema.has("minimum") ? schema.get("minimum").asLong() : -1000;
        long max = schema.has("maximum") ? schema.get("maximum").asLong() : 1_000_000;
        long value = min + (long) (random.nextDouble() * (max - min + 1));
        return JSON.numberNode(Math.min(max, value));
    }

    private String string(JsonNode schema) {
        int minLength = schema.path("minLength").asInt(0);
        int maxLength = schema.path("maxLength").asInt(32);
        if (!schema.has("pattern")) {
            int length = minLength + random.nextInt(Math.max(1, Math.min(maxLength, 16) - minLength + 1));
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < length; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            return text.toString();
        }
        String pattern = schema.get("pattern").asText();
        RgxGen generator = patterns.computeIfAbsent(pattern, p -> RgxGen.parse(forGeneration(p)));
        String text = generator.generate(random);
        for (int attempts = 0; attempts < 50
                && (text.length() < minLength || text.length() > maxLength || !text.matches(unanchored(pattern)));
                attempts++) {
            text = generator.generate(random);
        }
        return text;
    }

    /** Without anchors and the leading look-ahead, which generators cannot honour (checked afterwards). */
    private static String forGeneration(String pattern) {
        return unanchored(pattern).replaceFirst("^\\(\\?![^)]*\\)\\)?", "").replaceFirst("^\\(\\?!.*?\\$\\)", "");
    }

    private static String unanchored(String pattern) {
        String p = pattern.startsWith("^") ? pattern.substring(1) : pattern;
        return p.endsWith("$") ? p.substring(0, p.length() - 1) : p;
    }

    /**
     * $ref followed and allOf merged: every part must hold, so properties named by several parts
     * merge the same way and required members add up.
     */
    JsonNode resolve(JsonNode schema) {
        JsonNode resolved = schema;
        while (resolved.has("$ref")) {
            resolved = document.at(resolved.get("$ref").asText().substring(1));
        }
        if (!resolved.has("allOf")) {
            return resolved;
        }
        JsonNode merged = JSON.objectNode();
        for (JsonNode part : resolved.get("allOf")) {
            merged = merge(merged, resolve(part));
        }
        return merged;
    }

    private JsonNode merge(JsonNode a, JsonNode b) {
        ObjectNode merged = ((ObjectNode) a).deepCopy();
        b.fields().forEachRemaining(field -> {
            switch (field.getKey()) {
                case "properties" -> {
                    ObjectNode properties = merged.with("properties");
                    field.getValue().fields().forEachRemaining(property -> properties.set(property.getKey(),
                            properties.has(property.getKey())
                                    ? merge(resolve(properties.get(property.getKey())), resolve(property.getValue()))
                                    : property.getValue()));
                }
                case "required" -> {
                    ArrayNode required = merged.withArray("required");
                    field.getValue().forEach(required::add);
                }
                default -> merged.set(field.getKey(), field.getValue());
            }
        });
        return merged;
    }
}
