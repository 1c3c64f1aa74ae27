package io.fulcrum.testbed.e2e.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One generated request: method, raw (already escaped) path and query, headers and body bytes,
 * and a short account of how it was made, for failure messages and statistics.
 *
 * @param operation the documented operation it aims at, e.g. "PUT /api/v1/virtual-services/{name}"
 */
public record FuzzRequest(String method, String path, String query, Map<String, String> headers, byte[] body,
        String operation, String how) {

    public boolean hasBody() {
        return body != null;
    }

    public String target() {
        return query == null ? path : path + "?" + query;
    }

    @Override
    public String toString() {
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        return method + " " + target() + " " + headers + " [" + how + "] "
                + (text.length() > 600 ? text.substring(0, 600) + "... (" + body.length + " bytes)" : text);
    }
}
