package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What a node accepts from the control plane: every pushed value is checked against these bounds
 * before anything is applied, and a value outside them is refused with a reason, never clamped or
 * replaced by a default. Each bound is one that every part of the node using the value can serve;
 * the comments say which use sets it.
 */
public final class Limits {
    public static final int MAX_VIRTUAL_SERVICES = 10_000;
    public static final int MAX_REAL_SERVERS = 10_000;

    /** Virtual service names and real server labels, as the control plane accepts them (also URL segments). */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    public static final String NAME_EXPECTED = "1..64 characters of A-Za-z0-9_.-, not . or ..";

    public static final int MAX_PORTS = 64;
    public static final int MAX_PORT = 65535;

    /**
     * Client, server and flow idle timeouts and the persistence timeout. 24 days in milliseconds
     * still fits an int (Netty options take int millis) and in nanoseconds a long: IdleTimer works in
     * nanos, and Duration.toNanos overflows beyond about 292 years (106752 days failed every connection).
     */
    public static final MillisRange IDLE_TIMEOUT = new MillisRange(1, Duration.ofDays(24).toMillis());
    /** Netty's CONNECT_TIMEOUT_MILLIS is an int; five minutes is far beyond any useful connect. */
    public static final MillisRange CONNECT_TIMEOUT = new MillisRange(1, Duration.ofMinutes(5).toMillis());
    /** Below 100ms checks would load real servers; the check timeout is 1ms..interval. */
    public static final MillisRange HEALTH_CHECK_INTERVAL = new MillisRange(100, Duration.ofHours(1).toMillis());
    public static final int MAX_RISE_FALL = 100;
    /** The HTTP probe writes the path into its request line; it also bounds the request's size. */
    public static final int MAX_HTTP_PATH = 1024;
    public static final int MIN_HTTP_STATUS = 100;
    public static final int MAX_HTTP_STATUS = 599;
    /** A UDP check's datagram and expected reply text. */
    public static final int MAX_UDP_PAYLOAD = 512;

    public static final int MAX_FLOWS = 1_000_000;
    public static final int MAX_WEIGHT = 65535;
    /** minConnections and maxConnections (0 is unlimited): beyond a node's file descriptors, far below int range. */
    public static final int MAX_CONNECTIONS = 1_000_000;

    private Limits() {
    }

    /** Whether a virtual service name or real server label is acceptable. */
    public static boolean validName(String name) {
        return NAME.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }

    /** Whether an HTTP check path is safe to write into a request line: "/" then printable ASCII, no space. */
    public static boolean validHttpPath(String path) {
        if (path.isEmpty() || path.length() > MAX_HTTP_PATH || path.charAt(0) != '/') {
            return false;
        }
        // CR, LF, space or NUL would end the request line early: request injection.
        return path.chars().allMatch(c -> c >= 0x21 && c <= 0x7E);
    }

    /** Whether a UDP check's datagram or expected text is 1..512 printable ASCII characters. */
    public static boolean validUdpPayload(String text) {
        return !text.isEmpty() && text.length() <= MAX_UDP_PAYLOAD && text.chars().allMatch(c -> c >= 0x20 && c <= 0x7E);
    }

    /** An inclusive range of milliseconds, printed the way reasons name it: {@code 1ms..24d}. */
    public record MillisRange(long min, long max) {
        public boolean contains(long millis) {
            return millis >= min && millis <= max;
        }

        @Override
        public String toString() {
            return DurationText.format(min) + ".." + DurationText.format(max);
        }
    }
}
