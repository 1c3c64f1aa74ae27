package io.fulcrum.controlplane.realserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.FieldError;
import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.validation.FieldReader;
import io.fulcrum.controlplane.validation.IpLiterals;
import io.fulcrum.controlplane.validation.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Turns a JSON body into a validated {@link RealServer}, defaults applied, or lists every violation. */
public final class RealServerReader {

    private static final Set<String> FIELDS = Set.of("label", "address", "port", "weight", "minConnections",
            "maxConnections", "state", "version");

    private RealServerReader() {
    }

    /** Like VirtualServiceReader.read: {@code pathLabel} (PUT/PATCH) supplies and pins the label. */
    public static RealServer read(ObjectNode body, String pathLabel) {
        List<FieldError> errors = new ArrayList<>();
        RealServer read = read(body, pathLabel, "", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return read;
    }

    /** Reads a real server nested in a larger document, adding violations under {@code prefix}. */
    public static RealServer read(ObjectNode body, String pathLabel, String prefix, List<FieldError> errors) {
        FieldReader fields = new FieldReader(body, prefix, errors, FIELDS);
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
        int weight = fields.integer("weight", 100, 0, 65535);
        int min = fields.integer("minConnections", 0, 0, Integer.MAX_VALUE);
        int max = fields.integer("maxConnections", 0, 0, Integer.MAX_VALUE);
        if (max > 0 && min > max) {
            fields.rejectText("minConnections", String.valueOf(min), "<= maxConnections " + max);
        }
        String state = fields.choice("state", "online", RealServer.STATES);
        return new RealServer(label, address, port, weight, min, max, state, null);
    }
}
