package io.fulcrum.controlplane.declarative;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.controlplane.api.FieldError;
import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.realserver.RealServerReader;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import io.fulcrum.controlplane.virtualservice.VirtualServiceReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a whole configuration document, {"virtualServices": [{..., "realServers": [...]}]}, with
 * the same rules as the single-resource API plus the uniqueness rules between its entries, naming
 * every violation by its path, e.g. virtualServices[0].realServers[1].weight.
 */
public final class ConfigDocumentReader {

    private ConfigDocumentReader() {
    }

    public static List<DesiredVirtualService> read(ObjectNode document) {
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> names = document.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("virtualServices") && !name.equals("configVersion")) {
                errors.add(new FieldError(name, name + ": unknown field (expected virtualServices)"));
            }
        }
        JsonNode services = document.get("virtualServices");
        if (services == null || !services.isArray()) {
            errors.add(new FieldError("virtualServices", "virtualServices: "
                    + (services == null ? "missing" : services.toString()) + " (expected a list of virtual services)"));
            throw ProblemException.validation(errors);
        }
        List<DesiredVirtualService> desired = new ArrayList<>();
        for (int i = 0; i < services.size(); i++) {
            desired.add(readService(services.get(i), "virtualServices[" + i + "]", errors));
        }
        if (errors.isEmpty()) {
            checkUniqueness(desired, errors);
        }
        if (!errors.isEmpty()) {
            throw ProblemException.validation(errors);
        }
        return desired;
    }

    private static DesiredVirtualService readService(JsonNode node, String prefix, List<FieldError> errors) {
        if (!node.isObject()) {
            errors.add(new FieldError(prefix, prefix + ": " + node + " (expected an object)"));
            return null;
        }
        ObjectNode fields = ((ObjectNode) node).deepCopy();
        JsonNode servers = fields.remove("realServers");
        VirtualService service = VirtualServiceReader.read(fields, null, prefix, errors);
        List<RealServer> realServers = new ArrayList<>();
        if (servers != null && !servers.isNull() && !servers.isArray()) {
            errors.add(new FieldError(prefix + ".realServers", prefix + ".realServers: " + servers
                    + " (expected a list of real servers)"));
        } else if (servers != null && servers.isArray()) {
            for (int j = 0; j < servers.size(); j++) {
                String path = prefix + ".realServers[" + j + "]";
                JsonNode server = servers.get(j);
                if (!server.isObject()) {
                    errors.add(new FieldError(path, path + ": " + server + " (expected an object)"));
                } else {
                    realServers.add(RealServerReader.read((ObjectNode) server, null, path, errors));
                }
            }
        }
        return new DesiredVirtualService(service, realServers);
    }

    private static void checkUniqueness(List<DesiredVirtualService> desired, List<FieldError> errors) {
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> listeners = new HashMap<>();
        for (int i = 0; i < desired.size(); i++) {
            VirtualService vs = desired.get(i).virtualService();
            String prefix = "virtualServices[" + i + "]";
            Integer previous = names.putIfAbsent(vs.name(), i);
            if (previous != null) {
                errors.add(new FieldError(prefix + ".name", prefix + ".name: " + vs.name()
                        + " (expected a name not already used by virtualServices[" + previous + "])"));
            }
            for (int port : vs.ports()) {
                String listener = vs.address() + ":" + port + "/" + vs.protocol();
                Integer owner = listeners.putIfAbsent(listener, i);
                if (owner != null) {
                    errors.add(new FieldError(prefix + ".ports", prefix + ".ports: " + listener
                            + " (expected a listener not already used by virtualServices[" + owner + "])"));
                }
            }
            checkRealServers(desired.get(i).realServers(), prefix, errors);
        }
    }

    private static void checkRealServers(List<RealServer> servers, String prefix, List<FieldError> errors) {
        for (int j = 0; j < servers.size(); j++) {
            for (int k = 0; k < j; k++) {
                RealServer a = servers.get(k);
                RealServer b = servers.get(j);
                String path = prefix + ".realServers[" + j + "]";
                if (a.label().equals(b.label())) {
                    errors.add(new FieldError(path + ".label", path + ".label: " + b.label()
                            + " (expected a label not already used by realServers[" + k + "])"));
                } else if (a.address().equals(b.address()) && Objects.equals(a.port(), b.port())) {
                    errors.add(new FieldError(path + ".port", path + ".port: " + b.port()
                            + " (expected an address/port not already used by realServers[" + k + "])"));
                }
            }
        }
    }
}
