package io.fulcrum.controlplane.domain;

import com.fasterxml.jackson.annotation.JsonValue;

/** How a virtual service's clients reach it. */
public enum Protocol implements JsonName {
    TCP("tcp"),
    UDP("udp");

    private final String json;

    Protocol(String json) {
        this.json = json;
    }

    @JsonValue
    @Override
    public String json() {
        return json;
    }
}
