package io.fulcrum.dataplane.health;

/**
 * Outcome of one health check, with a short human-readable detail. A conclusive failure (nothing
 * listens on the port: ICMP port unreachable) takes the server down at once, whatever fall says.
 */
public record ProbeResult(boolean success, String detail, boolean conclusive) {
    public ProbeResult(boolean success, String detail) {
        this(success, detail, false);
    }

    public static ProbeResult refused(String detail) {
        return new ProbeResult(false, detail, true);
    }

    public static ProbeResult passed(String detail) {
        return new ProbeResult(true, detail);
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail);
    }
}
