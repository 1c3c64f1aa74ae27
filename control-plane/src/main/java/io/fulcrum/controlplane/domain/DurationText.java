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

    /** The syntax whatever the range; {@link #pattern} gives the one for a range. */
    public static final String PATTERN = "^[1-9][0-9]{0,9}(ms|s|m|h|d)$";
    private static final String[] UNITS = {"ms", "s", "m", "h", "d"};
    private static final long[] UNIT_MILLIS = {1, 1000, 60_000, 3_600_000, 86_400_000};
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

    /**
     * The regular expression of exactly the durations from {@code min} to {@code max} (whole
     * milliseconds), as the OpenAPI document gives each field, so that a client generated from it,
     * or a fuzzer, knows the range and not only the syntax.
     */
    public static String pattern(Duration min, Duration max) {
        StringBuilder alternatives = new StringBuilder();
        for (int i = 0; i < UNITS.length; i++) {
            long low = Math.max(1, ceilDiv(min.toMillis(), UNIT_MILLIS[i]));
            // parse takes at most ten digits, whatever the unit.
            long high = Math.min(9_999_999_999L, max.toMillis() / UNIT_MILLIS[i]);
            if (low <= high) {
                alternatives.append(alternatives.length() == 0 ? "" : "|")
                        .append("(").append(NumberRanges.regex(low, high)).append(")").append(UNITS[i]);
            }
        }
        return "^(" + alternatives + ")$";
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** Writes a duration field as its canonical text, whichever ObjectMapper serializes the record. */
    public static final class Json extends JsonSerializer<Duration> {
        @Override
        public void serialize(Duration value, JsonGenerator out, SerializerProvider provider) throws IOException {
            out.writeString(format(value));
        }
    }
}
