package io.fulcrum.dataplane.health;

/** Outcome of one health check, with a short human-readable detail. */
public record ProbeResult(boolean success, String detail) {
    public static ProbeResult passed(String detail) {
        return new ProbeResult(true, detail);
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(false, detail);
    }
}
