package io.fulcrum.controlplane.config;

import java.util.List;

/** The rows whose version column receives the configuration version a commit produces. */
public record Stamps(List<Long> virtualServiceIds, List<Long> realServerIds) {

    public static final Stamps NONE = new Stamps(List.of(), List.of());

    public static Stamps virtualService(long id) {
        return new Stamps(List.of(id), List.of());
    }

    public static Stamps realServer(long id) {
        return new Stamps(List.of(), List.of(id));
    }
}
