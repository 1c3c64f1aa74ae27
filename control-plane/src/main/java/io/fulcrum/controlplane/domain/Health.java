package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** A real server's health as nodes observe it. */
public enum Health implements JsonName {
    UP("up"),
    DOWN("down"),
    UNKNOWN("unknown");

    private final String json;

    Health(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
