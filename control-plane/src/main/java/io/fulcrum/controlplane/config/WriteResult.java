package io.fulcrum.controlplane.config;

import io.fulcrum.controlplane.warning.Warning;
import java.util.List;

/**
 * The outcome of a write: the resulting resource (null after a delete), the configuration version
 * produced (or the current one when nothing changed), whether it created or changed anything, and
 * warnings about the accepted result (not stored).
 */
public record WriteResult<T>(T resource, long configVersion, boolean created, boolean changed,
        List<Warning> warnings) {

    public WriteResult(T resource, long configVersion, boolean created, boolean changed) {
        this(resource, configVersion, created, changed, List.of());
    }

    public WriteResult<T> withWarnings(List<Warning> newWarnings) {
        return new WriteResult<>(resource, configVersion, created, changed, List.copyOf(newWarnings));
    }
}
