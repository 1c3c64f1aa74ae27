package io.fulcrum.testbed.e2e.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes requests for every write operation of the API: valid by the document ({@link #valid}), or
 * such a request broken in one to three ways ({@link #hostile}): wrong types, overflowing numbers
 * and durations, huge, deep and duplicated structures, unknown and read-only members, NUL bytes,
 * invalid UTF-8, injection strings, broken framing of the JSON, bad query parameters and headers.
 */
public final class Requests {

    static final String SERVICES = "/api/v1/virtual-services";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> HOSTILE_NAMES = List.of("a%00b", "%2E%2E", "%2E", "%C3%28", "x%20y",
            "a".repeat(65), "%F0%9F%98%80", "..%2F..", "a%2Fb", "%3Cscript%3E", "%27%3B--", "CON", "-", "_");

    private final SchemaValues schema;
    private final List<String> services;
    private final List<String> labels;

    /** {@code services} and {@code labels}: names that exist (the fuzz seeds them), so writes find targets. */
    Requests(SchemaValues schema, List<String> services, List<String> labels) {
        this.schema = schema;
        this.services = services;
        this.labels = labels;
    }

    /** A write made from the document alone. */
    public FuzzRequest valid(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> write("POST", SERVICES, null, "POST " + SERVICES, json(random, "VirtualServiceCreate"), "valid");
            case 1 -> write("PUT", SERVICES + "/" + name(random), null, "PUT " + SERVICES + "/{name}",
                    json(random, "VirtualServiceInput"), "valid");
            case 2 -> write("PATCH", SERVICES + "/" + service(random), null, "PATCH " + SERVICES + "/{name}",
                    json(random, "VirtualServicePatch"), "valid");
            case 3 -> write("POST", SERVICES + "/" + service(random) + "/real-servers", null,
                    "POST " + SERVICES + "/{name}/real-servers", json(random, "RealServerCreate"), "valid");
            case 4 -> write("PUT", realServer(random, name(random)), null, "PUT " + SERVICES + "/{name}/real-servers/{label}",
                    json(random, "RealServerInput"), "valid");
            case 5 -> write("PATCH", realServer(random, label(random)), null,
                    "PATCH " + SERVICES + "/{name}/real-servers/{label}", json(random, "RealServerPatch"), "valid");
            case 6 -> write("PUT", "/api/v1/config", "dryRun=true", "PUT /api/v1/config",
                    json(random, "ConfigDocumentInput"), "valid");
            default -> new FuzzRequest("DELETE", realServer(random, label(random)), null, Map.of(), null,
                    "DELETE " + SERVICES + "/{name}/real-servers/{label}", "valid");
        };
    }

    /** A valid write broken in one to three ways. */
    public FuzzRequest hostile(Random random) {
        FuzzRequest request = valid(random);
        JsonNode body = request.body() == null ? null : parse(request.body());
        String path = request.path();
        String query = request.query();
        Map<String, String> headers = new LinkedHashMap<>(request.headers());
        byte[] bytes = request.body();
        List<String> how = new ArrayList<>();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            int kind = random.nextInt(100);
            if (body instanceof ObjectNode object && kind < 45) {
                how.add(mutate(object, random));
                bytes = write(body);
            } else if (bytes != null && kind < 60) {
                how.add("raw:" + breakFraming(random, bytes, headers, request.method()));
                bytes = lastFraming;
            } else if (kind < 75) {
                how.add("query");
                query = hostileQuery(random, query, request.operation());
            } else if (kind < 85) {
                how.add("header");
                hostileHeader(random, headers);
            } else if (kind < 95) {
                how.add("path");
                path = path.replaceFirst("/[^/]+$", "/" + HOSTILE_NAMES.get(random.nextInt(HOSTILE_NAMES.size())));
            } else {
                how.add("method");
                return new FuzzRequest(List.of("POST", "PUT", "PATCH", "DELETE").get(random.nextInt(4)), path, query,
                        headers, bytes, request.operation(), String.join(",", how));
            }
        }
        return new FuzzRequest(request.method(), path, query, headers, bytes, request.operation(), String.join(",", how));
    }

    private String mutate(ObjectNode body, Random random) {
        ObjectNode target = randomObject(body, random);
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        switch (random.nextInt(9)) {
            case 0, 1, 2 -> {
                String field = names.isEmpty() ? "address" : names.get(random.nextInt(names.size()));
                target.set(field, HostileValues.any(random));
                return "value:" + field;
            }
            case 3 -> {
                if (!names.isEmpty()) {
                    target.remove(names.get(random.nextInt(names.size())));
                }
                return "removed";
            }
            case 4 -> {
                target.set(HostileValues.STRINGS.get(random.nextInt(HostileValues.STRINGS.size())), HostileValues.any(random));
                return "unknown";
            }
            case 5 -> {
                target.set(random.nextBoolean() ? "version" : "warnings", HostileValues.any(random));
                return "read-only";
            }
            case 6 -> {
                ArrayNode ports = target.putArray("ports");
                int n = random.nextBoolean() ? 2 : 65 + random.nextInt(100);
                for (int i = 0; i < n; i++) {
                    ports.add(i < 2 ? 443 : 1000 + i);
                }
                return "ports:" + n;
            }
            case 7 -> {
                ArrayNode servers = target.putArray("realServers");
                int n = random.nextInt(10) == 0 ? 10_001 : 3;
                for (int i = 0; i < n; i++) {
                    servers.addObject().put("label", n > 3 ? "rs-" + i : "dup").put("address", "127.0.0.21");
                }
                return "realServers:" + n;
            }
            default -> {
                target.put("healthCheck", "");
                target.set("persistence", HostileValues.any(random));
                return "objects";
            }
        }
    }

    private byte[] lastFraming;

    /** Breaks the JSON text or its encoding; leaves the result in {@link #lastFraming}. */
    private String breakFraming(Random random, byte[] bytes, Map<String, String> headers, String method) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String how;
        switch (random.nextInt(11)) {
            case 0 -> {
                out.writeBytes(("{\"address\": \"127.0.0.1\", " + text.substring(Math.min(1, text.length())))
                        .getBytes(StandardCharsets.UTF_8));
                how = "duplicate-member";
            }
            case 1 -> {
                out.writeBytes((text + List.of(" {}", "]", " x", "\u0000", "\n\n{\"a\":1}").get(random.nextInt(5)))
                        .getBytes(StandardCharsets.UTF_8));
                how = "trailing";
            }
            case 2 -> {
                out.writeBytes(text.substring(0, random.nextInt(Math.max(1, text.length())))
                        .getBytes(StandardCharsets.UTF_8));
                how = "truncated";
            }
            case 3 -> {
                int at = random.nextInt(bytes.length + 1);
                out.write(bytes, 0, at);
                out.writeBytes(List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc3, 0x28},
                        new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}).get(random.nextInt(3)));
                out.write(bytes, at, bytes.length - at);
                how = "invalid-utf8";
            }
            case 4 -> {
                out.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
                out.writeBytes(bytes);
                how = "bom";
            }
            case 5 -> {
                out.writeBytes(text.replaceFirst("\"([^\"]*)\"", "\"$1\u0001\u0000\"").getBytes(StandardCharsets.UTF_8));
                how = "control-char";
            }
            case 6 -> {
                out.writeBytes(text.getBytes(StandardCharsets.UTF_16));
                headers.put("Content-Type", "application/json; charset=utf-16");
                how = "utf16";
            }
            case 7 -> {
                int depth = 33 + random.nextInt(3000);
                out.writeBytes(("{\"healthCheck\": " + "[".repeat(depth) + "1" + "]".repeat(depth) + "}")
                        .getBytes(StandardCharsets.UTF_8));
                how = "nested:" + depth;
            }
            case 8 -> {
                out.writeBytes(bytes);
                out.writeBytes(" ".repeat(64 * 1024 + 1).getBytes(StandardCharsets.UTF_8));
                how = "oversized";
            }
            case 9 -> {
                out.writeBytes(List.of("", "null", "[]", "\"x\"", "42", "{", "}", "{\"a\"}", "{'a': 1}", "{a: 1}")
                        .get(random.nextInt(10)).getBytes(StandardCharsets.UTF_8));
                how = "not-an-object";
            }
            default -> {
                out.writeBytes(text.replace("\"", "\"" + "z".repeat(4097)).getBytes(StandardCharsets.UTF_8));
                how = "long-strings";
            }
        }
        lastFraming = out.toByteArray();
        return how;
    }

    private static String hostileQuery(Random random, String query, String operation) {
        String add = switch (random.nextInt(8)) {
            case 0 -> "wait=" + enc(HostileValues.STRINGS.get(random.nextInt(HostileValues.STRINGS.size())));
            case 1 -> "wait=" + List.of("999999999999999m", "61s", "0s", "60001ms", "1m1s", "").get(random.nextInt(6));
            case 2 -> "dryRun=" + List.of("1", "yes", "null", "ture", "", "TRUE", "0").get(random.nextInt(7));
            case 3 -> "dryrun=true";
            case 4 -> "limit=5";
            case 5 -> "wait=1s&wait=2s";
            case 6 -> enc(HostileValues.STRINGS.get(random.nextInt(HostileValues.STRINGS.size()))) + "=1";
            default -> "dryRun=true&dryRun=true";
        };
        return query == null ? add : query + "&" + add;
    }

    private static void hostileHeader(Random random, Map<String, String> headers) {
        switch (random.nextInt(6)) {
            case 0 -> headers.remove("Content-Type");
            case 1 -> headers.put("Content-Type", List.of("text/plain", "application/xml", "application/json; charset=latin1",
                    "application/merge-patch+json", "application/*", "json").get(random.nextInt(6)));
            case 2 -> headers.put("If-Match", List.of(" ", "7", "\"x\" \"y\"", "W/\"1\"", "\"1\", ", "*, \"1\"",
                    "\"99999999999999999999\"").get(random.nextInt(7)));
            case 3 -> headers.put("If-Match", "\"" + random.nextInt(100) + "\"");
            case 4 -> headers.put("Accept", "text/html");
            default -> headers.put("X-Fuzz", HostileValues.STRINGS.get(random.nextInt(HostileValues.STRINGS.size()))
                    .replaceAll("[^\\x20-\\x7e]", "?"));
        }
    }

    private static ObjectNode randomObject(ObjectNode body, Random random) {
        ObjectNode current = body;
        for (int depth = 0; depth < 3 && random.nextBoolean(); depth++) {
            List<ObjectNode> children = new ArrayList<>();
            for (Iterator<JsonNode> it = current.elements(); it.hasNext(); ) {
                JsonNode child = it.next();
                if (child instanceof ObjectNode object) {
                    children.add(object);
                } else if (child instanceof ArrayNode array && !array.isEmpty() && array.get(0) instanceof ObjectNode first) {
                    children.add(first);
                }
            }
            if (children.isEmpty()) {
                break;
            }
            current = children.get(random.nextInt(children.size()));
        }
        return current;
    }

    private FuzzRequest write(String method, String path, String query, String operation, JsonNode body, String how) {
        String type = method.equals("PATCH") ? "application/merge-patch+json" : "application/json";
        return new FuzzRequest(method, path, query, Map.of("Content-Type", type), write(body), operation, how);
    }

    private JsonNode json(Random random, String schemaName) {
        return schema.value(schema.schema(schemaName));
    }

    private String name(Random random) {
        return random.nextInt(3) == 0 ? "fz-" + random.nextInt(50) : service(random);
    }

    private String service(Random random) {
        return services.get(random.nextInt(services.size()));
    }

    private String label(Random random) {
        return labels.get(random.nextInt(labels.size()));
    }

    private String realServer(Random random, String label) {
        return SERVICES + "/" + service(random) + "/real-servers/" + label;
    }

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static byte[] write(JsonNode body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
