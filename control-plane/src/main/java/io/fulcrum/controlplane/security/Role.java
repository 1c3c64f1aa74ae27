package io.fulcrum.controlplane.security;

import com.fasterxml.jackson.annotation.JsonValue;
import io.fulcrum.controlplane.domain.JsonName;

/**
 * What a caller may do. Each role includes the ones below it: a viewer reads, an operator also
 * drains, halts, brings online and re-weights real servers, an admin does everything.
 */
public enum Role implements JsonName {
    VIEWER("viewer"),
    OPERATOR("operator"),
    ADMIN("admin");

    private final String json;

    Role(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }
}
