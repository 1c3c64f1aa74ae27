package io.fulcrum.controlplane.api;

/** Explains, in API terms, which uniqueness rule a database constraint violation broke. */
final class UniqueConstraints {

    private UniqueConstraints() {
    }

    static ProblemException conflict(String constraint) {
        if (constraint == null) {
            return ProblemException.conflict(null, "a concurrent change created the same resource");
        }
        return switch (constraint) {
            case "virtual_service_name_key" -> ProblemException.conflict("name", "name: a virtual service with this name already exists");
            case "virtual_service_port_listener_key" -> ProblemException.conflict("ports",
                    "ports: address, port and protocol are already used by another virtual service");
            case "real_server_label_key" -> ProblemException.conflict("label", "label: a real server with this label already exists");
            case "real_server_endpoint_key" -> ProblemException.conflict("port",
                    "address/port: another real server of this virtual service already uses them");
            default -> ProblemException.conflict(null, "conflicting concurrent change (" + constraint + ")");
        };
    }
}
