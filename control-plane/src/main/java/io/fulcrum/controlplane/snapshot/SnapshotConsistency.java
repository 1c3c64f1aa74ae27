package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Last check before a configuration reaches the nodes: the rules the database enforces, checked
 * again on the state as read, so a broken migration or manual edit cannot push a snapshot that
 * every node would have to refuse.
 */
final class SnapshotConsistency {

    private SnapshotConsistency() {
    }

    /** Human-readable violations; empty when the state may be published after {@code publishedVersion}. */
    static List<String> problems(ConfigState state, long publishedVersion) {
        List<String> problems = new ArrayList<>();
        if (state.version() <= publishedVersion) {
            problems.add("version " + state.version() + " is not newer than the published " + publishedVersion);
        }
        Set<String> names = new HashSet<>();
        Set<String> listeners = new HashSet<>();
        for (ConfigState.ConfiguredVirtualService configured : state.virtualServices()) {
            VirtualService vs = configured.virtualService();
            if (!names.add(vs.name())) {
                problems.add("virtual service " + vs.name() + " appears twice");
            }
            for (int port : vs.ports()) {
                String listener = vs.address() + ":" + port + "/" + vs.protocol().json();
                if (!listeners.add(listener)) {
                    problems.add("listener " + listener + " is used twice (again by " + vs.name() + ")");
                }
            }
            Set<String> labels = new HashSet<>();
            for (RealServer rs : configured.realServers()) {
                if (!labels.add(rs.label())) {
                    problems.add("real server " + rs.label() + " appears twice in " + vs.name());
                }
            }
        }
        return problems;
    }
}
