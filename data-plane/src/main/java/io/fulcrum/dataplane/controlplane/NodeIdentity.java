package io.fulcrum.dataplane.controlplane;

import java.time.Duration;

/**
 * How a node introduces itself to the control plane, and how often it will report (zero: not said),
 * so the control plane can tell a node that went silent from one with nothing new to say.
 */
public record NodeIdentity(String nodeId, String hostname, String softwareVersion, Duration reportInterval) {

    public NodeIdentity(String nodeId, String hostname, String softwareVersion) {
        this(nodeId, hostname, softwareVersion, Duration.ZERO);
    }
}
