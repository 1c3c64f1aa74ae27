package io.fulcrum.testbed.api;

/** The REST API answered a request with an error status; the message carries its problem+json detail. */
public final class ApiException extends RuntimeException {

    private final transient ApiResponse response;

    public ApiException(ApiResponse response) {
        super(response.method() + " " + response.path() + " -> " + response.status() + " " + response.problemSummary());
        this.response = response;
    }

    public ApiResponse response() {
        return response;
    }
}
