package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.Records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotConsistencyTest {

    private static VirtualService service(String name, int port) {
        return Records.tcp(name, port);
    }

    private static RealServer server(String label) {
        return Records.realServer(label, "127.0.0.21", null);
    }

    @Test
    void aConsistentNewerStateMayBePublished() {
        ConfigState state = new ConfigState(5, List.of(
                new ConfigState.ConfiguredVirtualService(service("a", 80), List.of(server("x"), server("y"))),
                new ConfigState.ConfiguredVirtualService(service("b", 81), List.of(server("x")))));
        assertEquals(List.of(), SnapshotConsistency.problems(state, 4));
    }

    @Test
    void sharedListenersAndDuplicateLabelsAreRefused() {
        ConfigState state = new ConfigState(5, List.of(
                new ConfigState.ConfiguredVirtualService(service("a", 80), List.of(server("x"), server("x"))),
                new ConfigState.ConfiguredVirtualService(service("b", 80), List.of())));
        List<String> problems = SnapshotConsistency.problems(state, 4);
        assertEquals(2, problems.size(), problems.toString());
    }

    @Test
    void anOlderVersionIsRefused() {
        assertTrue(SnapshotConsistency.problems(new ConfigState(3, List.of()), 4).get(0).contains("not newer"));
    }
}
