package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the product's duration strings: "500ms", "30s", "6m", "6h". */
public final class DurationText {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)");

    private DurationText() {
    }

    public static Duration parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected e.g. 500ms, 30s, 6m, 6h)");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }
}
