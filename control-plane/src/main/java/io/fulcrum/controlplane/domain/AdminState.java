package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** The operator's choice for a real server, kept apart from its observed health. */
public enum AdminState implements JsonName {
    ONLINE("online"),
    DRAIN("drain"),
    HALT("halt");

    private final String json;

    AdminState(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
