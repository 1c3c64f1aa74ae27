package io.fulcrum.controlplane.virtualservice;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.domain.Algorithm;
import io.fulcrum.controlplane.domain.Defaults;
import io.fulcrum.controlplane.domain.DurationText;
import io.fulcrum.controlplane.domain.HealthCheckType;
import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.domain.PersistenceMode;
import io.fulcrum.controlplane.domain.Protocol;
import io.fulcrum.controlplane.validation.FieldReader;
import io.fulcrum.controlplane.validation.IpLiterals;
import io.fulcrum.controlplane.validation.Names;
import io.fulcrum.controlplane.validation.Violations;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a JSON body into a validated {@link VirtualService}, defaults applied, or lists every violation. */
public final class VirtualServiceReader {

    static final String ADDRESS = "an IPv4 or IPv6 literal";
    private static final Set<String> FIELDS = Set.of("name", "address", "ports", "protocol", "layer", "algorithm",
            "persistence", "healthCheck", "fallback", "proxyProtocol", "clientIdleTimeout", "serverIdleTimeout",
            "connectTimeout", "flowIdleTimeout", "maxFlows", "clientFirstByteTimeout", "maxConnections",
            "maxConnectionsPerClient", "version");
    private static final Set<String> PERSISTENCE_FIELDS = Set.of("mode", "timeout");
    private static final Set<String> HEALTH_CHECK_FIELDS =
            Set.of("type", "interval", "timeout", "rise", "fall", "port", "path", "expectStatus", "send", "expect");
    private static final Set<String> ENDPOINT_FIELDS = Set.of("address", "port");
    private static final Pattern STATUS_RANGE = Pattern.compile("([1-5][0-9]{2})(?:-([1-5][0-9]{2}))?");
    private static final String HTTP_PATH = "an absolute path: / then up to " + (Limits.HTTP_PATH_CHARS - 1)
            + " printable ASCII characters without spaces";
    private static final String UDP_PAYLOAD = "1 to " + Limits.UDP_PAYLOAD_CHARS + " printable ASCII characters";

    private VirtualServiceReader() {
    }

    /**
     * Reads {@code body}; a missing name is taken from {@code pathName} (PUT), and a name that
     * differs from it is rejected because the path names the resource.
     */
    public static VirtualService read(ObjectNode body, String pathName) {
        Violations violations = new Violations();
        VirtualService read = read(body, pathName, "", violations);
        violations.throwIfAny();
        return read;
    }

    /**
     * Reads a virtual service nested in a larger document: field paths start with {@code prefix}
     * and violations are added to {@code violations}; the result is meaningless when any were added.
     */
    public static VirtualService read(ObjectNode body, String pathName, String prefix, Violations violations) {
        FieldReader fields = new FieldReader(body, prefix, violations, FIELDS);
        String name = pathName == null
                ? fields.required("name", Names.EXPECTED, Names::accept)
                : fields.string("name", pathName, Names.EXPECTED, Names::accept);
        if (pathName != null && Names.accept(pathName) == null) {
            fields.rejectText("name", pathName, Names.EXPECTED);
        } else if (pathName != null && name != null && !name.equals(pathName)) {
            fields.rejectText("name", name, "\"" + pathName + "\" as in the path; renaming is not supported");
        }
        String address = fields.required("address", ADDRESS, IpLiterals::canonical);
        List<Integer> ports = fields.ports("ports", Limits.PORTS);
        Protocol protocol = fields.choice("protocol", Defaults.PROTOCOL, Protocol.class);
        Layer defaultLayer = protocol == Protocol.UDP ? Defaults.UDP_LAYER : Defaults.LAYER;
        Layer layer = Layer.of(fields.integerChoice("layer", defaultLayer.number(), List.of(7, 4))).orElse(defaultLayer);
        if (layer == Layer.LAYER_7 && protocol != Protocol.TCP) {
            fields.rejectText("layer", "7", "4 with protocol " + protocol.json() + " (layer 7 needs tcp)");
        }
        Algorithm algorithm = fields.choice("algorithm", Defaults.ALGORITHM, Algorithm.class);
        VirtualService.Persistence persistence = persistence(fields, violations);
        VirtualService.HealthCheck healthCheck = healthCheck(fields, violations);
        VirtualService.Endpoint fallback = fallback(fields, violations);
        boolean proxyProtocol = fields.bool("proxyProtocol", Defaults.PROXY_PROTOCOL);
        if (proxyProtocol && layer == Layer.LAYER_4) {
            // Layer 4 forwards packets untouched; a PROXY header belongs to a proxied layer-7 stream.
            fields.rejectText("proxyProtocol", "true", "false at layer 4 (PROXY protocol needs layer 7)");
        }
        Duration clientIdle = timeout(fields, "clientIdleTimeout", Defaults.IDLE_TIMEOUT);
        Duration serverIdle = timeout(fields, "serverIdleTimeout", Defaults.IDLE_TIMEOUT);
        Duration connect = fields.duration("connectTimeout", Defaults.CONNECT_TIMEOUT, Limits.DURATION_MIN,
                Limits.CONNECT_TIMEOUT_MAX);
        Duration flowIdle = timeout(fields, "flowIdleTimeout", Defaults.FLOW_IDLE_TIMEOUT);
        int maxFlows = fields.integer("maxFlows", Defaults.MAX_FLOWS, 1, Limits.MAX_FLOWS_MAX);
        Duration firstByte = timeout(fields, "clientFirstByteTimeout", Defaults.CLIENT_FIRST_BYTE_TIMEOUT);
        int maxConnections = fields.integer("maxConnections", Defaults.SERVICE_MAX_CONNECTIONS, 0, Limits.CONNECTIONS_MAX);
        int perClient = fields.integer("maxConnectionsPerClient", Defaults.MAX_CONNECTIONS_PER_CLIENT, 0,
                Limits.CONNECTIONS_MAX);
        fields.readOnlyInteger("version");
        return new VirtualService(name, address, ports, protocol, layer, algorithm, persistence, healthCheck,
                fallback, proxyProtocol, clientIdle, firstByte, serverIdle, connect, flowIdle, maxFlows, maxConnections,
                perClient, null);
    }

    private static Duration timeout(FieldReader fields, String field, Duration fallback) {
        return fields.duration(field, fallback, Limits.DURATION_MIN, Limits.TIMEOUT_MAX);
    }

    private static VirtualService.Persistence persistence(FieldReader parent, Violations violations) {
        ObjectNode node = parent.object("persistence");
        if (node == null) {
            return new VirtualService.Persistence(Defaults.PERSISTENCE_MODE, null);
        }
        FieldReader fields = new FieldReader(node, parent.path("persistence"), violations, PERSISTENCE_FIELDS);
        PersistenceMode mode = fields.choice("mode", Defaults.PERSISTENCE_MODE, PersistenceMode.class);
        Duration timeout = timeout(fields, "timeout",
                mode == PersistenceMode.SOURCE_IP ? Defaults.PERSISTENCE_TIMEOUT : null);
        return new VirtualService.Persistence(mode, timeout);
    }

    private static VirtualService.HealthCheck healthCheck(FieldReader parent, Violations violations) {
        ObjectNode node = parent.object("healthCheck");
        FieldReader fields = new FieldReader(node == null ? parent.emptyObject() : node,
                parent.path("healthCheck"), violations, HEALTH_CHECK_FIELDS);
        HealthCheckType type = fields.choice("type", Defaults.HEALTH_CHECK_TYPE, HealthCheckType.class);
        Duration interval = fields.duration("interval", Defaults.CHECK_INTERVAL, Limits.CHECK_INTERVAL_MIN,
                Limits.CHECK_INTERVAL_MAX);
        Duration timeout = fields.duration("timeout", interval, Limits.DURATION_MIN, Limits.CHECK_INTERVAL_MAX);
        if (timeout.compareTo(interval) > 0) {
            fields.rejectText("timeout", DurationText.format(timeout), "<= interval " + DurationText.format(interval));
        }
        int rise = fields.integer("rise", Defaults.RISE, 1, Limits.RISE_FALL_MAX);
        int fall = fields.integer("fall", Defaults.FALL, 1, Limits.RISE_FALL_MAX);
        Integer port = fields.integer("port", null, 1, 65535);
        String path = fields.string("path", Defaults.HTTP_PATH, HTTP_PATH, VirtualServiceReader::httpPath);
        String expectStatus = fields.string("expectStatus", Defaults.EXPECT_STATUS,
                "<status> or <min>-<max> within 100..599", VirtualServiceReader::statusRange);
        String send = fields.string("send", Defaults.UDP_SEND, UDP_PAYLOAD, VirtualServiceReader::udpPayload);
        String expect = fields.string("expect", null, UDP_PAYLOAD, VirtualServiceReader::udpPayload);
        boolean http = type == HealthCheckType.HTTP;
        boolean udp = type == HealthCheckType.UDP;
        // path and expectStatus mean nothing to other check types, send and expect nothing but to udp;
        // dropping them keeps a type switch by merge patch from failing over leftovers of the previous type.
        return new VirtualService.HealthCheck(type, interval, timeout, rise, fall, port, http ? path : null,
                http ? expectStatus : null, udp ? send : null, udp ? expect : null);
    }

    private static VirtualService.Endpoint fallback(FieldReader parent, Violations violations) {
        ObjectNode node = parent.object("fallback");
        if (node == null) {
            return null;
        }
        FieldReader fields = new FieldReader(node, parent.path("fallback"), violations, ENDPOINT_FIELDS);
        String address = fields.required("address", ADDRESS, IpLiterals::canonical);
        Integer port = fields.integer("port", null, 1, 65535);
        if (!fields.present("port")) {
            fields.rejectText("port", "missing", "1..65535");
        }
        return new VirtualService.Endpoint(address, port == null ? 0 : port);
    }

    /** The probe writes the path into its request line, so nothing that could end or split that line. */
    static String httpPath(String text) {
        return text.startsWith("/") && text.length() <= Limits.HTTP_PATH_CHARS
                && text.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? text : null;
    }

    /** A udp check's datagram or expected reply: text an operator can read back, one small datagram. */
    static String udpPayload(String text) {
        return !text.isEmpty() && text.length() <= Limits.UDP_PAYLOAD_CHARS
                && text.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? text : null;
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
