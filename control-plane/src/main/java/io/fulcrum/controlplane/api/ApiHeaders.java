package io.fulcrum.controlplane.api;

/** Names of the headers the API adds to its answers. */
public final class ApiHeaders {

    public static final String CONFIG_VERSION = "Fulcrum-Config-Version";
    public static final String SYNC = "Fulcrum-Sync";
    /** On a view served from memory because the database cannot be reached: why it may be stale. */
    public static final String STALE = "Fulcrum-Stale";
    public static final String MERGE_PATCH = "application/merge-patch+json";

    private ApiHeaders() {
    }
}
