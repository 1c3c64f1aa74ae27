package io.fulcrum.controlplane.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotConsistencyTest {

    private static VirtualService service(String name, int port) {
        return new VirtualService(name, "127.0.0.10", List.of(port), "tcp", 7, "weighted-least-connections",
                new VirtualService.Persistence("none", null),
                new VirtualService.HealthCheck("connect", "2s", "2s", 2, 3, null, null, null),
                null, false, "12h", "12h", "5s", "5m", 10_000, 1L);
    }

    private static RealServer server(String label) {
        return new RealServer(label, "127.0.0.21", null, 100, 0, 0, "online", 1L);
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
