package io.fulcrum.controlplane.security;

import io.fulcrum.controlplane.api.ProblemException;
import jakarta.enterprise.context.RequestScoped;
import java.util.Iterator;
import java.util.Set;

/** Who makes the current request and with which role, as the authentication filter found. */
@RequestScoped
public class Caller {

    private String name;
    private Role role;

    void authenticated(String callerName, Role callerRole) {
        this.name = callerName;
        this.role = callerRole;
    }

    public String name() {
        return name;
    }

    public Role role() {
        return role;
    }

    /**
     * Callers below {@code unrestricted} may only send members among {@code allowed}: e.g. an
     * operator's PATCH of a real server may touch its state and weight and nothing else.
     */
    public void allowOnly(Iterator<String> members, Set<String> allowed, Role unrestricted, String what) {
        if (role != null && role.includes(unrestricted)) {
            return;
        }
        while (members.hasNext()) {
            String member = members.next();
            if (!allowed.contains(member)) {
                throw ProblemException.forbidden(member, member + ": role " + (role == null ? "none" : role.json())
                        + " may change only " + String.join(" and ", allowed.stream().sorted().toList()) + " of " + what
                        + " (" + unrestricted.json() + " may change everything)");
            }
        }
    }
}
