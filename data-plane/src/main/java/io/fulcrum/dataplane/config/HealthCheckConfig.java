package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the real servers of a virtual service are checked.
 *
 * @param port 0 checks the real server's own port (or the service's first port when it follows ports)
 */
public record HealthCheckConfig(
        HealthCheckType type,
        Duration interval,
        Duration timeout,
        int rise,
        int fall,
        int port,
        String httpPath,
        int expectedStatusMin,
        int expectedStatusMax) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;

    public HealthCheckConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(httpPath, "httpPath");
    }

    /** A connect check with the product defaults (2s interval and timeout, rise 2, fall 3). */
    public static HealthCheckConfig defaults() {
        return new HealthCheckConfig(HealthCheckType.CONNECT, DEFAULT_INTERVAL, DEFAULT_INTERVAL,
                DEFAULT_RISE, DEFAULT_FALL, 0, "/", 200, 399);
    }

    public HealthCheckConfig withType(HealthCheckType newType) {
        return new HealthCheckConfig(newType, interval, timeout, rise, fall, port, httpPath,
                expectedStatusMin, expectedStatusMax);
    }

    public HealthCheckConfig withTiming(Duration newInterval, Duration newTimeout, int newRise, int newFall) {
        return new HealthCheckConfig(type, newInterval, newTimeout, newRise, newFall, port, httpPath,
                expectedStatusMin, expectedStatusMax);
    }
}
