package io.fulcrum.dataplane.config;

/** How a real server's health is observed. */
public enum HealthCheckType {
    NONE,
    CONNECT,
    PING,
    HTTP,
    UDP
}
