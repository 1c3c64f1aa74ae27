package io.fulcrum.controlplane.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One committed change: who, what, when, the resource before and after, and the version it produced. */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "at", "principal", "action", "resource", "configVersion", "before", "after"})
public record AuditEntry(long id, String at, String principal, String action, String resource, long configVersion,
        @Schema(type = SchemaType.OBJECT, description = "The resource before; null on create") JsonNode before,
        @Schema(type = SchemaType.OBJECT, description = "The resource after; null on delete") JsonNode after) {
}
