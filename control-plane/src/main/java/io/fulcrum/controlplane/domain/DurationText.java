package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's duration text, such as "500ms" or "6m": parsed without overflow (at most ten digits,
 * so any amount fits a {@link Duration}) and written back in its one canonical form.
 */
public final class DurationText {

    /** The syntax, as the OpenAPI document states it. */
    public static final String PATTERN = "^[1-9][0-9]{0,9}(ms|s|m|h|d)$";
    private static final Pattern FORMAT = Pattern.compile("([1-9][0-9]{0,9})(ms|s|m|h|d)");

    private DurationText() {
    }

    /** The duration, or empty when the text is not "<positive int>(ms|s|m|h|d)". */
    public static Optional<Duration> parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        return Optional.of(switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalStateException("unit " + m.group(2));
        });
    }

    /** The largest unit that expresses the value exactly, so equal durations always read the same. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis != 0 && millis % 86_400_000 == 0) {
            return millis / 86_400_000 + "d";
        }
        if (millis != 0 && millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis != 0 && millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis != 0 && millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }

    /** Writes a duration field as its canonical text, whichever ObjectMapper serializes the record. */
    public static final class Json extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeString(format(value));
        }
    }
}
