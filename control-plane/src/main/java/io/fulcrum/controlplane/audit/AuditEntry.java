package io.fulcrum.controlplane.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.fulcrum.controlplane.domain.AuditAction;

/**
 * One committed change: who, what, when, the resource before (null on create) and after (null on
 * delete), and the version it produced.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "at", "principal", "action", "resource", "configVersion", "before", "after"})
public record AuditEntry(long id, String at, String principal, AuditAction action, String resource,
        long configVersion, JsonNode before, JsonNode after) {
}
