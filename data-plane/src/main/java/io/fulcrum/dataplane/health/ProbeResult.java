package io.fulcrum.dataplane.health;

/**
 * Outcome of one health check, with a short human-readable detail. A conclusive failure (nothing
 * listens on the port: ICMP port unreachable) takes the server down at once, whatever fall says. A
 * local failure (the node could not even open a socket) says nothing about the server: it is not
 * counted, only shown.
 */
public record ProbeResult(boolean success, String detail, boolean conclusive, boolean local) {
    public ProbeResult(boolean success, String detail) {
        this(success, detail, false, false);
    }

    public static ProbeResult refused(String detail) {
        return new ProbeResult(false, detail, true, false);
    }

    /** The node's own failure; the detail starts with "local: ". */
    public static ProbeResult local(String detail) {
        return new ProbeResult(false, "local: " + detail, false, true);
    }

    public static ProbeResult passed(String detail) {
        return new ProbeResult(true, detail);
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail);
    }
}
