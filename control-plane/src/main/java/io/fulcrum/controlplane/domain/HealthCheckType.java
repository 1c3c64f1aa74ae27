package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** How nodes decide whether a real server is up. */
public enum HealthCheckType implements JsonName {
    CONNECT("connect"),
    PING("ping"),
    HTTP("http"),
    UDP("udp"),
    NONE("none");

    private final String json;

    HealthCheckType(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
