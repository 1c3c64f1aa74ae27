package io.fulcrum.testbed.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.http.HttpHeaders;
import java.util.OptionalLong;

/** One answer of the REST API: status, headers and the body, with the Fulcrum-specific headers read out. */
public record ApiResponse(String method, String path, int status, HttpHeaders headers, String body) {

    public boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    public JsonNode json() {
        return Json.parse(body);
    }

    /** The configuration version the write produced (or the current one for a no-op or a read). */
    public OptionalLong configVersion() {
        return headers.firstValue("Fulcrum-Config-Version").map(String::trim).map(Long::parseLong)
                .map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    public long requireConfigVersion() {
        return configVersion().orElseThrow(() -> new IllegalStateException(
                method + " " + path + " answered without a Fulcrum-Config-Version header"));
    }

    /** Returns this response if it is a 2xx, else fails with the problem+json detail and per-field errors. */
    public ApiResponse requireSuccess() {
        if (!isSuccess()) {
            throw new ApiException(this);
        }
        return this;
    }

    /** A readable one-line summary of a problem+json body, falling back to the raw body. */
    public String problemSummary() {
        try {
            JsonNode problem = json();
            StringBuilder text = new StringBuilder(problem.path("title").asText("error"));
            if (problem.hasNonNull("detail")) {
                text.append(": ").append(problem.get("detail").asText());
            }
            for (JsonNode error : problem.path("errors")) {
                text.append("; ").append(error.path("message").asText(error.toString()));
            }
            return text.toString();
        } catch (RuntimeException notJson) {
            return body;
        }
    }
}
