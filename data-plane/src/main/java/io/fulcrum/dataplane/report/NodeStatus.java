package io.fulcrum.dataplane.report;

import java.util.List;

/** What a node reports: the version it serves and the state of everything it serves. */
public record NodeStatus(long appliedVersion, long sentAtMillis, List<VirtualServiceStatus> virtualServices) {
    public NodeStatus {
        virtualServices = List.copyOf(virtualServices);
    }
}
