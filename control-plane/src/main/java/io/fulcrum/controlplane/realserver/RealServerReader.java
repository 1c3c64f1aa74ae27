package io.fulcrum.controlplane.realserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.domain.AdminState;
import io.fulcrum.controlplane.domain.Defaults;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.validation.FieldReader;
import io.fulcrum.controlplane.validation.IpLiterals;
import io.fulcrum.controlplane.validation.Names;
import io.fulcrum.controlplane.validation.Violations;
import java.util.Set;

/** Turns a JSON body into a validated {@link RealServer}, defaults applied, or lists every violation. */
public final class RealServerReader {

    private static final Set<String> FIELDS = Set.of("label", "address", "port", "weight", "minConnections",
            "maxConnections", "state", "version");

    private RealServerReader() {
    }

    /** Like VirtualServiceReader.read: {@code pathLabel} (PUT/PATCH) supplies and pins the label. */
    public static RealServer read(ObjectNode body, String pathLabel) {
        Violations violations = new Violations();
        RealServer read = read(body, pathLabel, "", violations);
        violations.throwIfAny();
        return read;
    }

    /** Reads a real server nested in a larger document, adding violations under {@code prefix}. */
    public static RealServer read(ObjectNode body, String pathLabel, String prefix, Violations violations) {
        FieldReader fields = new FieldReader(body, prefix, violations, FIELDS);
        String label = pathLabel == null
                ? fields.required("label", Names.EXPECTED, Names::accept)
                : fields.string("label", pathLabel, Names.EXPECTED, Names::accept);
        if (pathLabel != null && Names.accept(pathLabel) == null) {
            fields.rejectText("label", pathLabel, Names.EXPECTED);
        } else if (pathLabel != null && label != null && !label.equals(pathLabel)) {
            fields.rejectText("label", label, "\"" + pathLabel + "\" as in the path; renaming is not supported");
        }
        String address = fields.required("address", "an IPv4 or IPv6 literal", IpLiterals::canonical);
        Integer port = fields.integer("port", null, 1, 65535);
        int weight = fields.integer("weight", Defaults.WEIGHT, 0, Limits.WEIGHT_MAX);
        int min = fields.integer("minConnections", Defaults.MIN_CONNECTIONS, 0, Limits.CONNECTIONS_MAX);
        int max = fields.integer("maxConnections", Defaults.MAX_CONNECTIONS, 0, Limits.CONNECTIONS_MAX);
        if (max > 0 && min > max) {
            fields.rejectText("minConnections", String.valueOf(min), "<= maxConnections " + max);
        }
        AdminState state = fields.choice("state", Defaults.STATE, AdminState.class);
        fields.readOnlyInteger("version");
        return new RealServer(label, address, port, weight, min, max, state, null);
    }
}
