package io.fulcrum.controlplane.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.FieldError;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the fields of one JSON object, applying defaults and recording every violation instead of
 * stopping at the first, so a caller learns all that is wrong with a request at once.
 */
public final class FieldReader {

    private final ObjectNode node;
    private final String prefix;
    private final List<FieldError> errors;

    public FieldReader(ObjectNode node, String prefix, List<FieldError> errors, Set<String> knownFields) {
        this.node = node;
        this.prefix = prefix;
        this.errors = errors;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!knownFields.contains(name)) {
                errors.add(new FieldError(path(name), path(name) + ": unknown field (expected one of "
                        + String.join(", ", knownFields.stream().sorted().toList()) + ")"));
            }
        }
    }

    public String path(String field) {
        return prefix.isEmpty() ? field : prefix + "." + field;
    }

    public boolean present(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    public void reject(String field, JsonNode value, String expected) {
        rejectText(field, render(value), expected);
    }

    public void rejectText(String field, String value, String expected) {
        errors.add(new FieldError(path(field), path(field) + ": " + value + " (expected " + expected + ")"));
    }

    /** A string field checked by {@code accept}, which returns the normalized value or null when invalid. */
    public String string(String field, String fallback, String expected, Function<String, String> accept) {
        return readString(field, fallback, expected, accept, false);
    }

    /** Like {@link #string} but absence is a violation too. */
    public String required(String field, String expected, Function<String, String> accept) {
        return readString(field, null, expected, accept, true);
    }

    private String readString(String field, String fallback, String expected, Function<String, String> accept,
            boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                rejectText(field, "missing", expected);
            }
            return fallback;
        }
        String normalized = value.isTextual() ? accept.apply(value.asText()) : null;
        if (normalized == null) {
            reject(field, value, expected);
            return fallback;
        }
        return normalized;
    }

    /** An enumerated string: the value must be one of {@code allowed} exactly. */
    public String choice(String field, String fallback, List<String> allowed) {
        return string(field, fallback, String.join(" | ", allowed), v -> allowed.contains(v) ? v : null);
    }

    public Integer integer(String field, Integer fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            reject(field, value, max == Integer.MAX_VALUE ? ">= " + min : min + ".." + max);
            return fallback;
        }
        return value.intValue();
    }

    /** An integer restricted to a few listed values. */
    public Integer integerChoice(String field, Integer fallback, List<Integer> allowed) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || !allowed.contains(value.intValue())) {
            reject(field, value, String.join(" | ", allowed.stream().map(String::valueOf).toList()));
            return fallback;
        }
        return value.intValue();
    }

    /** An empty object, for nested objects that are absent but whose defaults still apply. */
    public ObjectNode emptyObject() {
        return node.objectNode();
    }

    public boolean bool(String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            reject(field, value, "true | false");
            return fallback;
        }
        return value.booleanValue();
    }

    /** A duration of at least {@code minMillis}, in milliseconds; the fallback when absent or invalid. */
    public Long duration(String field, Long fallback, long minMillis) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        long millis = value.isTextual() ? Durations.parseMillis(value.asText()) : -1;
        if (millis < minMillis || millis <= 0) {
            reject(field, value, "<int>(ms|s|m|h|d) >= " + Durations.format(Math.max(1, minMillis)));
            return fallback;
        }
        return millis;
    }

    /** A nested object, or null when absent, null, or not an object (the latter is recorded). */
    public ObjectNode object(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            reject(field, value, "an object");
            return null;
        }
        return (ObjectNode) value;
    }

    /** Port list: non-empty, each 1..65535, no duplicates, at most {@code maxSize} entries. */
    public List<Integer> ports(String field, int maxSize) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            rejectText(field, "missing", "a list of 1.." + maxSize + " ports 1..65535");
            return List.of();
        }
        if (!value.isArray() || value.isEmpty() || value.size() > maxSize) {
            reject(field, value, "a list of 1.." + maxSize + " ports 1..65535");
            return List.of();
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode port = value.get(i);
            String name = field + "[" + i + "]";
            if (!port.isIntegralNumber() || !port.canConvertToInt() || port.intValue() < 1 || port.intValue() > 65535) {
                reject(name, port, "1..65535");
            } else if (ports.contains(port.intValue())) {
                reject(name, port, "no duplicate ports");
            } else {
                ports.add(port.intValue());
            }
        }
        return List.copyOf(ports);
    }

    private static String render(JsonNode value) {
        String text = value.isTextual() ? value.asText() : value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
