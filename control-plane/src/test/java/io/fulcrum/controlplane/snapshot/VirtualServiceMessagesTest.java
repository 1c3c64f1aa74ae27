package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.Records;
import io.fulcrum.controlplane.domain.AdminState;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fulcrum.controlplane.realserver.RealServer;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import io.fulcrum.proto.v1.Snapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualServiceMessagesTest {

    private static ConfigState.ConfiguredVirtualService service(String name, int weight, long version) {
        return new ConfigState.ConfiguredVirtualService(Records.tcp(name, 80),
                List.of(Records.realServer("rs1", "127.0.0.21", null, weight, AdminState.ONLINE, version)));
    }

    @Test
    void unchangedRowsReuseTheirMessageAndChangedRowsAreMappedAgain() {
        VirtualServiceMessages messages = new VirtualServiceMessages();
        Snapshot first = messages.toSnapshot(new ConfigState(1, List.of(service("a", 100, 1), service("b", 100, 1))));
        assertEquals(2, messages.lastMapped());

        // Equal rows read again as new objects, and b's real server changed at version 2.
        Snapshot second = messages.toSnapshot(new ConfigState(2, List.of(service("a", 100, 1), service("b", 7, 2))));
        assertEquals(1, messages.lastMapped());
        assertEquals(2, second.getVersion());
        assertSame(first.getVirtualServices(0), second.getVirtualServices(0));
        assertNotSame(first.getVirtualServices(1), second.getVirtualServices(1));
        assertEquals(7, second.getVirtualServices(1).getRealServers(0).getWeight());
    }

    @Test
    void aReusedSnapshotEqualsOneBuiltFromScratch() {
        ConfigState state = new ConfigState(3, List.of(service("a", 100, 1), service("b", 5, 3)));
        VirtualServiceMessages warm = new VirtualServiceMessages();
        warm.toSnapshot(new ConfigState(2, List.of(service("a", 100, 1), service("b", 100, 1))));
        assertEquals(new VirtualServiceMessages().toSnapshot(state), warm.toSnapshot(state));
    }
}
