package io.fulcrum.dataplane.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the real servers of a virtual service are checked.
 *
 * @param port     0 checks the real server's own port (or the service's first port when it follows ports)
 * @param httpPath the path of an HTTP check; it and the expected statuses are empty and zero for other types
 * @param udpSend  the datagram of a UDP check; it and udpExpect are empty for other types
 * @param udpExpect text a UDP check's reply must contain; empty: any reply
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
        int expectedStatusMax,
        String udpSend,
        String udpExpect) {

    public HealthCheckConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(httpPath, "httpPath");
        Objects.requireNonNull(udpSend, "udpSend");
        Objects.requireNonNull(udpExpect, "udpExpect");
    }

    public HealthCheckConfig withType(HealthCheckType newType) {
        return new HealthCheckConfig(newType, interval, timeout, rise, fall, port, httpPath,
                expectedStatusMin, expectedStatusMax, udpSend, udpExpect);
    }

    public HealthCheckConfig withTiming(Duration newInterval, Duration newTimeout, int newRise, int newFall) {
        return new HealthCheckConfig(type, newInterval, newTimeout, newRise, newFall, port, httpPath,
                expectedStatusMin, expectedStatusMax, udpSend, udpExpect);
    }
}
