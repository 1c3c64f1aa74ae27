package io.fulcrum.controlplane.config;

import io.fulcrum.controlplane.domain.AuditAction;

/**
 * What the audit log records about one changed resource.
 *
 * @param before JSON of the resource before the change, null on create
 * @param after JSON of the resource after the change, null on delete
 */
public record Change(AuditAction action, String resource, String before, String after) {
}
