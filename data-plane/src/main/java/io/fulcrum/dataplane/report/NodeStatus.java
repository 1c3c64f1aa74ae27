package io.fulcrum.dataplane.report;

import java.util.List;

/**
 * What a node reports: the version it serves, the state of everything it serves, and which of its
 * virtual-service addresses its host holds (the active side of a floating address).
 */
public record NodeStatus(long appliedVersion, long sentAtMillis, List<VirtualServiceStatus> virtualServices,
                         List<String> heldAddresses) {
    public NodeStatus {
        virtualServices = List.copyOf(virtualServices);
        heldAddresses = List.copyOf(heldAddresses);
    }
}
