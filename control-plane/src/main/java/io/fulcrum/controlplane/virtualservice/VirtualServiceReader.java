package io.fulcrum.controlplane.virtualservice;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.FieldError;
import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.validation.Durations;
import io.fulcrum.controlplane.validation.FieldReader;
import io.fulcrum.controlplane.validation.IpLiterals;
import io.fulcrum.controlplane.validation.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a JSON body into a validated {@link VirtualService}, defaults applied, or lists every violation. */
public final class VirtualServiceReader {

    static final String ADDRESS = "an IPv4 or IPv6 literal";
    private static final Set<String> FIELDS = Set.of("name", "address", "ports", "protocol", "layer", "algorithm",
            "persistence", "healthCheck", "fallback", "proxyProtocol", "clientIdleTimeout", "serverIdleTimeout",
            "connectTimeout", "flowIdleTimeout", "maxFlows", "version");
    private static final Set<String> PERSISTENCE_FIELDS = Set.of("mode", "timeout");
    private static final Set<String> HEALTH_CHECK_FIELDS =
            Set.of("type", "interval", "timeout", "rise", "fall", "port", "path", "expectStatus");
    private static final Set<String> ENDPOINT_FIELDS = Set.of("address", "port");
    private static final Pattern STATUS_RANGE = Pattern.compile("([1-5][0-9]{2})(?:-([1-5][0-9]{2}))?");
    private static final int MAX_PORTS = 64;
    private static final int DEFAULT_MAX_FLOWS = 10_000;

    private VirtualServiceReader() {
    }

    /**
     * Reads {@code body}; a missing name is taken from {@code pathName} (PUT), and a name that
     * differs from it is rejected because the path names the resource.
     */
    public static VirtualService read(ObjectNode body, String pathName) {
        List<FieldError> errors = new ArrayList<>();
        VirtualService read = read(body, pathName, "", errors);
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return read;
    }

    /**
     * Reads a virtual service nested in a larger document: field paths start with {@code prefix}
     * and violations are added to {@code errors}; the result is meaningless when errors were added.
     */
    public static VirtualService read(ObjectNode body, String pathName, String prefix, List<FieldError> errors) {
        FieldReader fields = new FieldReader(body, prefix, errors, FIELDS);
        String name = pathName == null
                ? fields.required("name", Names.EXPECTED, Names::accept)
                : fields.string("name", pathName, Names.EXPECTED, Names::accept);
        if (pathName != null && Names.accept(pathName) == null) {
            fields.rejectText("name", pathName, Names.EXPECTED);
        } else if (pathName != null && name != null && !name.equals(pathName)) {
            fields.rejectText("name", name, "\"" + pathName + "\" as in the path; renaming is not supported");
        }
        String address = fields.required("address", ADDRESS, IpLiterals::canonical);
        List<Integer> ports = fields.ports("ports", MAX_PORTS);
        String protocol = fields.choice("protocol", "tcp", VirtualService.PROTOCOLS);
        int layer = fields.integerChoice("layer", 7, List.of(7, 4));
        if (layer == 7 && !"tcp".equals(protocol)) {
            fields.rejectText("layer", "7", "4 with protocol " + protocol + " (layer 7 needs tcp)");
        }
        String algorithm = fields.choice("algorithm", "weighted-least-connections", VirtualService.ALGORITHMS);
        VirtualService.Persistence persistence = persistence(fields, errors);
        VirtualService.HealthCheck healthCheck = healthCheck(fields, errors);
        VirtualService.Endpoint fallback = fallback(fields, errors);
        boolean proxyProtocol = fields.bool("proxyProtocol", false);
        if (proxyProtocol && layer == 4) {
            // Layer 4 forwards packets untouched; a PROXY header belongs to a proxied layer-7 stream.
            fields.rejectText("proxyProtocol", "true", "false at layer 4 (PROXY protocol needs layer 7)");
        }
        Long clientIdle = fields.duration("clientIdleTimeout", 12 * 3_600_000L, 1);
        Long serverIdle = fields.duration("serverIdleTimeout", 12 * 3_600_000L, 1);
        Long connect = fields.duration("connectTimeout", 5_000L, 1);
        Long flowIdle = fields.duration("flowIdleTimeout", 300_000L, 1);
        Integer maxFlows = fields.integer("maxFlows", DEFAULT_MAX_FLOWS, 1, 1_000_000);
        return new VirtualService(name, address, ports, protocol, layer, algorithm, persistence, healthCheck,
                fallback, proxyProtocol, Durations.format(clientIdle), Durations.format(serverIdle),
                Durations.format(connect), Durations.format(flowIdle), maxFlows, null);
    }

    private static VirtualService.Persistence persistence(FieldReader parent, List<FieldError> errors) {
        ObjectNode node = parent.object("persistence");
        if (node == null) {
            return new VirtualService.Persistence("none", null);
        }
        FieldReader fields = new FieldReader(node, parent.path("persistence"), errors, PERSISTENCE_FIELDS);
        String mode = fields.choice("mode", "none", VirtualService.Persistence.MODES);
        Long timeout = fields.duration("timeout", "source-ip".equals(mode) ? 360_000L : null, 1);
        return new VirtualService.Persistence(mode, timeout == null ? null : Durations.format(timeout));
    }

    private static VirtualService.HealthCheck healthCheck(FieldReader parent, List<FieldError> errors) {
        ObjectNode node = parent.object("healthCheck");
        FieldReader fields = new FieldReader(node == null ? parent.emptyObject() : node,
                parent.path("healthCheck"), errors, HEALTH_CHECK_FIELDS);
        String type = fields.choice("type", "connect", VirtualService.HealthCheck.TYPES);
        Long interval = fields.duration("interval", 2_000L, 100);
        Long timeout = fields.duration("timeout", interval, 1);
        if (timeout != null && interval != null && timeout > interval) {
            fields.rejectText("timeout", Durations.format(timeout), "<= interval " + Durations.format(interval));
        }
        Integer rise = fields.integer("rise", 2, 1, 100);
        Integer fall = fields.integer("fall", 3, 1, 100);
        Integer port = fields.integer("port", null, 1, 65535);
        String path = fields.string("path", "/", "an absolute path starting with /",
                p -> p.startsWith("/") && p.length() <= 1024 && p.chars().noneMatch(c -> c <= ' ') ? p : null);
        String expectStatus = fields.string("expectStatus", "200-399", "<status> or <min>-<max> within 100..599",
                VirtualServiceReader::statusRange);
        boolean http = "http".equals(type);
        // path and expectStatus mean nothing to other check types; dropping them keeps a type switch
        // by merge patch from failing over leftovers of the previous type.
        return new VirtualService.HealthCheck(type, Durations.format(interval), Durations.format(timeout), rise, fall,
                port, http ? path : null, http ? expectStatus : null);
    }

    private static VirtualService.Endpoint fallback(FieldReader parent, List<FieldError> errors) {
        ObjectNode node = parent.object("fallback");
        if (node == null) {
            return null;
        }
        FieldReader fields = new FieldReader(node, parent.path("fallback"), errors, ENDPOINT_FIELDS);
        String address = fields.required("address", ADDRESS, IpLiterals::canonical);
        Integer port = fields.integer("port", null, 1, 65535);
        if (!fields.present("port")) {
            fields.rejectText("port", "missing", "1..65535");
        }
        return new VirtualService.Endpoint(address, port == null ? 0 : port);
    }

    static String statusRange(String text) {
        Matcher m = STATUS_RANGE.matcher(text);
        if (!m.matches()) {
            return null;
        }
        int min = Integer.parseInt(m.group(1));
        int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
        if (min < 100 || max > 599 || min > max) {
            return null;
        }
        return m.group(2) == null ? String.valueOf(min) : min + "-" + max;
    }
}
