package io.fulcrum.controlplane.config;

/**
 * The outcome of a write: the resulting resource (null after a delete), the configuration version
 * produced (or the current one when nothing changed), and whether it created or changed anything.
 */
public record WriteResult<T>(T resource, long configVersion, boolean created, boolean changed) {
}
