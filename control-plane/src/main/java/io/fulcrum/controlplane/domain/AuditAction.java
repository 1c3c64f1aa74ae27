package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a committed change did to one resource. */
public enum AuditAction implements JsonName {
    CREATE("create"),
    REPLACE("replace"),
    PATCH("patch"),
    DELETE("delete");

    private final String json;

    AuditAction(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
