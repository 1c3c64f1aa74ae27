package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.Limits;

import java.time.Duration;

/**
 * Checks one received value against its bound in {@link Limits} and words the refusal: the place
 * and field, the value as received (unsigned, as on the wire) and what would have been accepted.
 */
final class FieldChecks {
    private static final int QUOTED_CHARS = 64;

    private FieldChecks() {
    }

    /** A uint32 from the wire (Java reads values above 2^31-1 as negative ints) within min..max. */
    static int uint32(String field, int value, int min, int max) throws InvalidSnapshotException {
        long unsigned = Integer.toUnsignedLong(value);
        if (unsigned < min || unsigned > max) {
            throw new InvalidSnapshotException(field + ": " + unsigned + " (expected " + min + ".." + max + ")");
        }
        return value;
    }

    /** A uint64 millisecond duration from the wire within the range. */
    static Duration millis(String field, long value, Limits.MillisRange range) throws InvalidSnapshotException {
        // A uint64 above 2^63-1 reads as a negative long: out of every range.
        if (value < 0 || !range.contains(value)) {
            throw new InvalidSnapshotException(field + ": " + Long.toUnsignedString(value) + "ms (expected "
                    + range + ")");
        }
        return Duration.ofMillis(value);
    }

    static String name(String field, String value) throws InvalidSnapshotException {
        if (!Limits.validName(value)) {
            throw new InvalidSnapshotException(field + ": " + quote(value) + " (expected " + Limits.NAME_EXPECTED
                    + ")");
        }
        return value;
    }

    /**
     * Quotes received text for a reason: at most 64 characters, with anything outside printable
     * ASCII escaped, so a hostile value can neither flood nor split the log line it ends up in.
     */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(QUOTED_CHARS + 8).append('\'');
        int shown = Math.min(text.length(), QUOTED_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0x7E && c != '\'' && c != '\\') {
                quoted.append(c);
            } else {
                quoted.append(String.format("\\u%04x", (int) c));
            }
        }
        if (text.length() > shown) {
            quoted.append("...(").append(text.length()).append(" characters)");
        }
        return quoted.append('\'').toString();
    }
}
