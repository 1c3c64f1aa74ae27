package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a virtual service picks a real server for a new client. */
public enum Algorithm implements JsonName {
    WEIGHTED_LEAST_CONNECTIONS("weighted-least-connections"),
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    SOURCE_HASH("source-hash");

    private final String json;

    Algorithm(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
