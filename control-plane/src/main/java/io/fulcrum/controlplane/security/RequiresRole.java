package io.fulcrum.controlplane.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The least role that may call a REST operation. Every operation carries one (a test fails
 * otherwise), and the OpenAPI document states the same as x-fulcrum-role.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequiresRole {

    Role value();
}
