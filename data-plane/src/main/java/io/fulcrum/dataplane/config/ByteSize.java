package io.fulcrum.dataplane.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses sizes given on the command line: "4MiB", "512KiB", "1GiB" or plain bytes ("65536"). */
public final class ByteSize {
    private static final Pattern FORMAT = Pattern.compile("(\\d{1,10})(KiB|MiB|GiB)?");

    private ByteSize() {
    }

    public static long parse(String text) {
        Matcher matcher = FORMAT.matcher(text.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size (expected e.g. 65536, 512KiB, 4MiB)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2);
        if (unit == null) {
            return amount;
        }
        return switch (unit) {
            case "KiB" -> amount << 10;
            case "MiB" -> amount << 20;
            default -> amount << 30;
        };
    }

    /** The largest binary unit that shows the value exactly: 4194304 is "4MiB", 1000 is "1000". */
    public static String format(long bytes) {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return Long.toString(bytes);
    }
}
