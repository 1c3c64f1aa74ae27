package io.fulcrum.controlplane.warning;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** Advice about an accepted write: never stored, never a reason to refuse it. */
@JsonPropertyOrder({"field", "message"})
public record Warning(String field, String message) {
}
