package io.fulcrum.controlplane.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An operation that answers without the database when it cannot be reached (the operator's view of
 * the data plane); every other one answers 503 at once while the database is known to be down.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ServedFromMemory {
}
