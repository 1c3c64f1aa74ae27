package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the real servers of a virtual service are checked.
 *
 * @param port     0 checks the real server's own port (or the service's first port when it follows ports)
 * @param httpPath the path of an HTTP check; it and the expected statuses are empty and zero for other types
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

    public HealthCheckConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(httpPath, "httpPath");
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
