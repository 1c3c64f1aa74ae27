package io.fulcrum.dataplane.health;

/** One change of a real server's health, with the reason it happened and when. */
public record HealthTransition(Health from, Health to, String reason, long atEpochMillis) {
}
