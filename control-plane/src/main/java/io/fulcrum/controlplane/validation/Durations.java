package io.fulcrum.controlplane.validation;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations such as "500ms" or "6m" and renders them back in their one canonical form. */
public final class Durations {

    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,15})(ms|s|m|h|d)");
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;

    private Durations() {
    }

    /** Milliseconds, or -1 when the text is not "<int>(ms|s|m|h|d)". */
    public static long parseMillis(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            return -1;
        }
        long amount = Long.parseLong(m.group(1));
        long unit = switch (m.group(2)) {
            case "ms" -> 1;
            case "s" -> SECOND;
            case "m" -> MINUTE;
            case "h" -> HOUR;
            default -> DAY;
        };
        return Math.multiplyExact(amount, unit);
    }

    /** The largest unit that expresses the value exactly, so equal durations always read the same. */
    public static String format(long millis) {
        if (millis != 0 && millis % DAY == 0) {
            return millis / DAY + "d";
        }
        if (millis != 0 && millis % HOUR == 0) {
            return millis / HOUR + "h";
        }
        if (millis != 0 && millis % MINUTE == 0) {
            return millis / MINUTE + "m";
        }
        if (millis != 0 && millis % SECOND == 0) {
            return millis / SECOND + "s";
        }
        return millis + "ms";
    }
}
