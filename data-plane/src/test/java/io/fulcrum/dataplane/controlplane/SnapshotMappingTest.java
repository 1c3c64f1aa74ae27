package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.proto.v1.VirtualService;
import org.junit.jupiter.api.Test;

import static io.fulcrum.dataplane.controlplane.TestProtos.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SnapshotMappingTest {
    private final SnapshotMapping mapping = new SnapshotMapping();

    private static VirtualService.Builder service(String name, String address, int weight) {
        return TestProtos.virtualService(name, address, 8080)
                .addRealServers(TestProtos.realServer("rs1", "127.0.0.21", 0).setWeight(weight));
    }

    @Test
    void unchangedServicesReuseTheirMappedConfigAndChangedOnesAreMappedAgain() throws Exception {
        Snapshot first = mapping.toSnapshot(snapshot(1, service("web", "127.0.0.10", 100),
                service("api", "127.0.0.11", 100)));
        assertEquals(2, mapping.lastMapped());

        // Freshly built messages, as parsed from the next push: equal for web, a new weight for api.
        Snapshot second = mapping.toSnapshot(snapshot(2, service("web", "127.0.0.10", 100),
                service("api", "127.0.0.11", 7)));
        assertEquals(1, mapping.lastMapped());
        assertEquals(2, second.version());
        assertSame(first.virtualServices().get(0), second.virtualServices().get(0));
        assertNotSame(first.virtualServices().get(1), second.virtualServices().get(1));
        assertEquals(7, second.virtualServices().get(1).realServers().get(0).weight());
    }

    @Test
    void aRefusedSnapshotLeavesThePreviousMappingAsTheReference() throws Exception {
        Snapshot first = mapping.toSnapshot(snapshot(1, service("web", "127.0.0.10", 100)));

        InvalidSnapshotException twice = assertThrows(InvalidSnapshotException.class, () -> mapping.toSnapshot(
                snapshot(2, service("web", "127.0.0.10", 100), service("web", "127.0.0.12", 100))));
        assertEquals("virtual service web: name used twice", twice.getMessage());
        assertThrows(InvalidSnapshotException.class,
                () -> mapping.toSnapshot(snapshot(3, service("web", "localhost", 100))));

        Snapshot fourth = mapping.toSnapshot(snapshot(4, service("web", "127.0.0.10", 100)));
        assertSame(first.virtualServices().get(0), fourth.virtualServices().get(0));
        assertEquals(0, mapping.lastMapped());
    }

    @Test
    void aServiceThatChangedIsValidatedAgain() throws Exception {
        mapping.toSnapshot(snapshot(1, service("web", "127.0.0.10", 100)));
        InvalidSnapshotException e = assertThrows(InvalidSnapshotException.class,
                () -> mapping.toSnapshot(snapshot(2, service("web", "127.0.0.10", 70000))));
        assertEquals("virtual service web: real server rs1: weight: 70000 (expected 0..65535)", e.getMessage());
    }
}
