package io.fulcrum.controlplane.domain;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * An enumerated value of the API with the exact text it is written as in JSON, so parsing is a
 * lookup of that text and nothing else: an unknown or differently spelled value never becomes one.
 */
public interface JsonName {

    String json();

    /** The constant whose JSON text is exactly {@code text}, if any. */
    static <E extends Enum<E> & JsonName> Optional<E> parse(Class<E> type, String text) {
        for (E value : type.getEnumConstants()) {
            if (value.json().equals(text)) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #parse} for text read back from the database, where anything else is corruption. */
    static <E extends Enum<E> & JsonName> E stored(Class<E> type, String text) {
        return parse(type, text).orElseThrow(() -> new IllegalStateException(
                "stored " + type.getSimpleName() + " '" + text + "' is not one of " + names(type)));
    }

    static <E extends Enum<E> & JsonName> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(JsonName::json).toList();
    }
}
