package io.fulcrum.controlplane.security;

import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Names the authenticated caller for the audit log; work outside a request (start-up) is "system". */
@ApplicationScoped
public class CallerPrincipalSource implements PrincipalSource {

    @Inject
    Caller caller;

    @Override
    public String name() {
        if (!Arc.container().requestContext().isActive() || caller.name() == null) {
            return "system";
        }
        return caller.name();
    }
}
