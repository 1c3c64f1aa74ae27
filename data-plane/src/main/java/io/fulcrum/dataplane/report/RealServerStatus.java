package io.fulcrum.dataplane.report;

import io.fulcrum.dataplane.health.CheckDurations;

import io.fulcrum.dataplane.health.Health;

/** Observed state and counters of one real server at one instant. */
public record RealServerStatus(
        String label,
        Health health,
        String healthReason,
        long healthChangedAtMillis,
        long activeConnections,
        long totalConnections,
        long bytesIn,
        long bytesOut,
        long connectFailures,
        long datagramsIn,
        long datagramsOut,
        CheckDurations.Snapshot checkDurations) {
}
