package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether later connections of a client IP return to the real server its first one got. */
public enum PersistenceMode implements JsonName {
    NONE("none"),
    SOURCE_IP("source-ip");

    private final String json;

    PersistenceMode(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
