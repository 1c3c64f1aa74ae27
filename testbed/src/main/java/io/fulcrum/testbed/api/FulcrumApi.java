package io.fulcrum.testbed.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** A small client of the control plane's REST API over java.net.http, shared by the example loader and the tests. */
public final class FulcrumApi {

    public static final String VIRTUAL_SERVICES = "/api/v1/virtual-services";

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(70);

    private final URI base;
    private final String token;
    private final HttpClient http;

    /** A client that authenticates every /api call with {@code token} (an API token's secret). */
    public FulcrumApi(URI base, String token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public URI base() {
        return base;
    }

    public String token() {
        return token;
    }

    public static String virtualService(String name) {
        return VIRTUAL_SERVICES + "/" + name;
    }

    public static String realServer(String virtualService, String label) {
        return virtualService(virtualService) + "/real-servers/" + label;
    }

    public ApiResponse get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    public ApiResponse put(String path, JsonNode body) {
        return send("PUT", path, HttpRequest.BodyPublishers.ofString(Json.write(body)), "application/json");
    }

    public ApiResponse post(String path, JsonNode body) {
        return send("POST", path, HttpRequest.BodyPublishers.ofString(Json.write(body)), "application/json");
    }

    /** A JSON merge patch (RFC 7396). */
    public ApiResponse patch(String path, JsonNode body) {
        return send("PATCH", path, HttpRequest.BodyPublishers.ofString(Json.write(body)), "application/merge-patch+json");
    }

    public ApiResponse delete(String path) {
        return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), null);
    }

    /**
     * Polls until the API answers an authenticated read of the overview (which needs the database) with
     * 200, or the deadline passes; true when ready. Health itself lives on the management port.
     */
    public boolean awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                ApiResponse overview = get("/api/v1/overview");
                if (overview.status() == 200) {
                    return true;
                }
                if (overview.status() == 401 || overview.status() == 403) {
                    throw new IllegalStateException("the API refused the token (" + overview.status() + "): "
                            + overview.body());
                }
            } catch (UncheckedIOException notYetListening) {
                // connection refused while the control plane starts: keep polling until the deadline
            }
            pause(Duration.ofMillis(200));
        }
        return false;
    }

    private ApiResponse send(String method, String path, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json, application/problem+json")
                .method(method, body);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new ApiResponse(method, path, response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + base.resolve(path) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while polling", e);
        }
    }
}
