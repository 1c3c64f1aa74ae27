package io.fulcrum.controlplane.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.realserver.RealServerReader;
import io.fulcrum.controlplane.validation.Violations;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import io.fulcrum.controlplane.virtualservice.VirtualServiceReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a whole configuration document, {"virtualServices": [{..., "realServers": [...]}]}, with
 * the same rules as the single-resource API plus the uniqueness rules between its entries, naming
 * every violation by its path, e.g. virtualServices[0].realServers[1].weight. Every check is a
 * single pass with hash lookups, so a document costs time in proportion to its size.
 */
public final class ConfigDocumentReader {

    private ConfigDocumentReader() {
    }

    public static List<DesiredVirtualService> read(ObjectNode document) {
        Violations violations = new Violations();
        for (Iterator<String> names = document.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("virtualServices") && !name.equals("configVersion")) {
                String field = name.isEmpty() ? "\"\"" : name.length() > 80 ? name.substring(0, 77) + "..." : name;
                violations.add(field, field + ": unknown field (expected virtualServices, configVersion)");
            }
        }
        JsonNode configVersion = document.get("configVersion");
        if (configVersion != null && !configVersion.isNull() && !configVersion.isIntegralNumber()) {
            violations.add("configVersion", "configVersion: " + configVersion
                    + " (expected an integer; read-only, ignored in requests)");
        }
        JsonNode services = document.get("virtualServices");
        if (services == null || !services.isArray() || services.size() > Limits.VIRTUAL_SERVICES) {
            violations.add("virtualServices", "virtualServices: " + (services == null ? "missing"
                    : services.isArray() ? services.size() + " entries" : services.getNodeType().toString().toLowerCase())
                    + " (expected a list of at most " + Limits.VIRTUAL_SERVICES + " virtual services)");
            violations.throwIfAny();
        }
        List<DesiredVirtualService> desired = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            desired.add(readService(services.get(i), "virtualServices[" + i + "]", violations));
        }
        if (violations.isEmpty()) {
            checkUniqueness(desired, violations);
        }
        violations.throwIfAny();
        return desired;
    }

    private static DesiredVirtualService readService(JsonNode node, String prefix, Violations violations) {
        if (!node.isObject()) {
            violations.add(prefix, prefix + ": " + node.getNodeType().toString().toLowerCase() + " (expected an object)");
            return null;
        }
        // A shallow copy without realServers: the members themselves are shared, not copied.
        ObjectNode fields = ((ObjectNode) node).objectNode().setAll((ObjectNode) node);
        JsonNode servers = fields.remove("realServers");
        VirtualService service = VirtualServiceReader.read(fields, null, prefix, violations);
        List<RealServer> realServers = new ArrayList<>();
        if (servers != null && !servers.isNull()
                && (!servers.isArray() || servers.size() > Limits.REAL_SERVERS_PER_SERVICE)) {
            violations.add(prefix + ".realServers", prefix + ".realServers: "
                    + (servers.isArray() ? servers.size() + " entries" : servers.getNodeType().toString().toLowerCase())
                    + " (expected a list of at most " + Limits.REAL_SERVERS_PER_SERVICE + " real servers)");
        } else if (servers != null && servers.isArray()) {
            for (int j = 0; j < servers.size(); j++) {
                String path = prefix + ".realServers[" + j + "]";
                JsonNode server = servers.get(j);
                if (!server.isObject()) {
                    violations.add(path, path + ": " + server.getNodeType().toString().toLowerCase()
                            + " (expected an object)");
                } else {
                    realServers.add(RealServerReader.read((ObjectNode) server, null, path, violations));
                }
            }
        }
        return new DesiredVirtualService(service, realServers);
    }

    private static void checkUniqueness(List<DesiredVirtualService> desired, Violations violations) {
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> listeners = new HashMap<>();
        for (int i = 0; i < desired.size(); i++) {
            VirtualService vs = desired.get(i).virtualService();
            String prefix = "virtualServices[" + i + "]";
            Integer previous = names.putIfAbsent(vs.name(), i);
            if (previous != null) {
                violations.add(prefix + ".name", prefix + ".name: " + vs.name()
                        + " (expected a name not already used by virtualServices[" + previous + "])");
            }
            for (int port : vs.ports()) {
                String listener = vs.address() + ":" + port + "/" + vs.protocol().json();
                Integer owner = listeners.putIfAbsent(listener, i);
                if (owner != null) {
                    violations.add(prefix + ".ports", prefix + ".ports: " + listener
                            + " (expected a listener not already used by virtualServices[" + owner + "])");
                }
            }
            checkRealServers(desired.get(i).realServers(), prefix, violations);
        }
    }

    private static void checkRealServers(List<RealServer> servers, String prefix, Violations violations) {
        Map<String, Integer> labels = new HashMap<>();
        // A real server without a port follows the client's port: it counts as one endpoint per address.
        Map<String, Integer> endpoints = new HashMap<>();
        for (int j = 0; j < servers.size(); j++) {
            RealServer server = servers.get(j);
            String path = prefix + ".realServers[" + j + "]";
            Integer sameLabel = labels.putIfAbsent(server.label(), j);
            if (sameLabel != null) {
                violations.add(path + ".label", path + ".label: " + server.label()
                        + " (expected a label not already used by realServers[" + sameLabel + "])");
                continue;
            }
            Integer sameEndpoint = endpoints.putIfAbsent(server.address() + " " + server.port(), j);
            if (sameEndpoint != null) {
                violations.add(path + ".port", path + ".port: " + server.port()
                        + " (expected an address/port not already used by realServers[" + sameEndpoint + "])");
            }
        }
    }
}
