package io.fulcrum.controlplane.security;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** Until authentication exists every caller is "anonymous"; an authenticated source replaces this bean. */
@ApplicationScoped
@DefaultBean
public class AnonymousPrincipalSource implements PrincipalSource {

    @Override
    public String name() {
        return "anonymous";
    }
}
