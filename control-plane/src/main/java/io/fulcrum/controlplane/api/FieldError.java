package io.fulcrum.controlplane.api;

/**
 * One rejected field, header or parameter of a request, named by its JSON path (e.g.
 * {@code healthCheck.rise}), its header name or its query or path parameter name.
 */
public record FieldError(String field, String message) {
}
