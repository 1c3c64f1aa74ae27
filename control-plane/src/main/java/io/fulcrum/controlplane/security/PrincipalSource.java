package io.fulcrum.controlplane.security;

/** Names who is making the current request, for the audit log. */
public interface PrincipalSource {

    String name();
}
