package io.fulcrum.controlplane.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.domain.DurationText;
import io.fulcrum.controlplane.domain.JsonName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the fields of one JSON object, applying defaults and recording every violation instead of
 * stopping at the first, so a caller learns all that is wrong with a request at once. Messages
 * name the field and what it accepts: {@code weight: -1 (expected 0..65535)}.
 */
public final class FieldReader {

    private static final int SHOWN_CHARS = 80;

    private final ObjectNode node;
    private final String prefix;
    private final Violations violations;

    public FieldReader(ObjectNode node, String prefix, Violations violations, Set<String> knownFields) {
        this.node = node;
        this.prefix = prefix;
        this.violations = violations;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!knownFields.contains(name)) {
                // A member named "" still needs a name in the answer.
                String path = path(name.isEmpty() ? "\"\"" : shown(name));
                violations.add(path, path + ": unknown field (expected one of "
                        + String.join(", ", knownFields.stream().sorted().toList()) + ")");
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
        violations.add(path(field), path(field) + ": " + shown(value) + " (expected " + expected + ")");
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

    /** An enumerated string: exactly the JSON name of one constant of {@code type}. */
    public <E extends Enum<E> & JsonName> E choice(String field, E fallback, Class<E> type) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        Optional<E> parsed = value.isTextual() ? JsonName.parse(type, value.asText()) : Optional.empty();
        if (parsed.isEmpty()) {
            reject(field, value, String.join(" | ", JsonName.names(type)));
            return fallback;
        }
        return parsed.get();
    }

    public Integer integer(String field, Integer fallback, int min, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < min || value.intValue() > max) {
            reject(field, value, min + ".." + max);
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

    /** A duration from {@code min} to {@code max}; the fallback when absent or invalid. */
    public Duration duration(String field, Duration fallback, Duration min, Duration max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        Optional<Duration> parsed = value.isTextual() ? DurationText.parse(value.asText()) : Optional.empty();
        if (parsed.isEmpty() || parsed.get().compareTo(min) < 0 || parsed.get().compareTo(max) > 0) {
            reject(field, value, "<int>(ms|s|m|h|d) from " + DurationText.format(min) + " to "
                    + DurationText.format(max));
            return fallback;
        }
        return parsed.get();
    }

    /** A read-only member clients may echo back from a read (e.g. version): an integer, otherwise ignored. */
    public void readOnlyInteger(String field) {
        JsonNode value = node.get(field);
        if (value != null && !value.isNull() && !value.isIntegralNumber()) {
            reject(field, value, "an integer (read-only, ignored in requests)");
        }
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
        String expected = "a list of 1.." + maxSize + " distinct ports 1..65535";
        if (value == null || value.isNull()) {
            rejectText(field, "missing", expected);
            return List.of();
        }
        if (!value.isArray() || value.isEmpty() || value.size() > maxSize) {
            reject(field, value, expected);
            return List.of();
        }
        List<Integer> ports = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode port = value.get(i);
            String name = field + "[" + i + "]";
            if (!port.isIntegralNumber() || !port.canConvertToInt() || port.intValue() < 1 || port.intValue() > 65535) {
                reject(name, port, "1..65535");
            } else if (!seen.add(port.intValue())) {
                reject(name, port, "no duplicate ports");
            } else {
                ports.add(port.intValue());
            }
        }
        return List.copyOf(ports);
    }

    /** The value as shown in a message; containers are cut short without serializing all of them. */
    private static String render(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        StringBuilder out = new StringBuilder();
        append(value, out);
        return out.toString();
    }

    private static void append(JsonNode value, StringBuilder out) {
        if (!value.isContainerNode()) {
            out.append(value.toString(), 0, Math.min(value.toString().length(), SHOWN_CHARS));
            return;
        }
        out.append(value.isArray() ? '[' : '{');
        Iterator<JsonNode> elements = value.elements();
        Iterator<String> names = value.fieldNames();
        for (int i = 0; elements.hasNext(); i++) {
            if (out.length() > SHOWN_CHARS) {
                out.append("...");
                break;
            }
            out.append(i == 0 ? "" : ",");
            if (value.isObject()) {
                out.append('"').append(shown(names.next())).append("\":");
            }
            append(elements.next(), out);
        }
        out.append(value.isArray() ? ']' : '}');
    }

    /** Text as it may appear in a message: short, with control characters escaped. */
    static String shown(String text) {
        String cut = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS - 3) + "..." : text;
        StringBuilder out = new StringBuilder(cut.length());
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
