package io.fulcrum.controlplane.config;

/**
 * One change about to be committed: what the audit log records about it, and which row's version
 * column receives the new configuration version.
 *
 * @param before JSON of the resource before the change, null on create
 * @param after JSON of the resource after the change, null on delete
 */
public record Change(String action, String resource, String before, String after, Stamp stamp, Long rowId) {

    /** The table whose row is stamped with the produced version; NONE for deletes. */
    public enum Stamp {
        VIRTUAL_SERVICE, REAL_SERVER, NONE
    }
}
