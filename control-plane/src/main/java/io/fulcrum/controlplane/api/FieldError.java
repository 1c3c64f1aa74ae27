package io.fulcrum.controlplane.api;

/** One rejected field of a request body, named by its JSON path, e.g. {@code healthCheck.rise}. */
public record FieldError(String field, String message) {
}
