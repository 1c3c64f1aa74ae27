package io.fulcrum.dataplane.controlplane;

/** How a node introduces itself to the control plane. */
public record NodeIdentity(String nodeId, String hostname, String softwareVersion) {
}
