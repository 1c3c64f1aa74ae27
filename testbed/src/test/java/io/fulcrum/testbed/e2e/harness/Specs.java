package io.fulcrum.testbed.e2e.harness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.Json;

/** Request bodies for virtual services and real servers, in the REST API's field names. */
public final class Specs {

    /** The address every test virtual service listens on (ports differ per test). */
    public static final String VIRTUAL_ADDRESS = "127.0.0.10";

    private Specs() {
    }

    /** A layer-7 TCP virtual service on 127.0.0.10:port with the given algorithm, no persistence, connect checks. */
    public static ObjectNode virtualService(String name, int port, String algorithm) {
        ObjectNode body = Json.object()
                .put("name", name)
                .put("address", VIRTUAL_ADDRESS)
                .put("protocol", "tcp")
                .put("layer", 7)
                .put("algorithm", algorithm);
        body.putArray("ports").add(port);
        body.putObject("persistence").put("mode", "none");
        body.putObject("healthCheck").put("type", "connect");
        return body;
    }

    public static ObjectNode withSourceIpPersistence(ObjectNode virtualService, String timeout) {
        virtualService.putObject("persistence").put("mode", "source-ip").put("timeout", timeout);
        return virtualService;
    }

    public static ObjectNode withConnectCheck(ObjectNode virtualService, String interval, int rise, int fall) {
        virtualService.putObject("healthCheck")
                .put("type", "connect").put("interval", interval).put("rise", rise).put("fall", fall);
        return virtualService;
    }

    /** A real server for a test backend, on the backend's own port. */
    public static ObjectNode realServer(NameServer server, int weight) {
        return Json.object()
                .put("label", server.name())
                .put("address", server.address())
                .put("port", server.port())
                .put("weight", weight);
    }

    public static ObjectNode patch(String field, String value) {
        return Json.object().put(field, value);
    }

    public static ObjectNode patch(String field, int value) {
        return Json.object().put(field, value);
    }
}
