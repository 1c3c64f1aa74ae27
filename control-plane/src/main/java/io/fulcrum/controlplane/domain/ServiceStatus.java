package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** A virtual service's overall state in the overview. */
public enum ServiceStatus implements JsonName {
    UP("up"),
    DEGRADED("degraded"),
    DOWN("down");

    private final String json;

    ServiceStatus(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
