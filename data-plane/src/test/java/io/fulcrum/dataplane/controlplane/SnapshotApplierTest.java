package io.fulcrum.dataplane.controlplane;

import io.fulcrum.dataplane.config.LastGoodSnapshotStore;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import io.fulcrum.proto.v1.HealthCheckType;
import io.fulcrum.proto.v1.NodeMessage;
import io.fulcrum.proto.v1.VirtualService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.fulcrum.dataplane.controlplane.TestProtos.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotApplierTest {

    private static VirtualService.Builder service(String name, int port, int realServerPort, int weight) {
        return TestProtos.virtualService(name, "127.0.0.1", port)
                .setHealthCheck(TestProtos.check(HealthCheckType.HEALTH_CHECK_TYPE_NONE))
                .addRealServers(TestProtos.realServer("a", "127.0.0.1", realServerPort).setWeight(weight));
    }

    @Test
    void aNackKeepsTheOldConfigServingAndTheNextChangeIsApplied(@TempDir Path stateDir) throws Exception {
        int webPort = FreePorts.next();
        int apiPort = FreePorts.next();
        try (RuntimeFixture fixture = new RuntimeFixture();
             TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0)) {
            SnapshotApplier applier = new SnapshotApplier(fixture.runtime, new LastGoodSnapshotStore(stateDir));
            try {
                assertTrue(applier.apply(snapshot(1, service("web", webPort, a.port(), 100),
                        service("api", apiPort, a.port(), 100))).hasAck());
                VirtualServiceConfig web = fixture.runtime.current().virtualServices().get(0);

                // api changes, but a new service claims web's socket: the whole snapshot is refused.
                NodeMessage refused = applier.apply(snapshot(2, service("web", webPort, a.port(), 100),
                        service("api", apiPort, a.port(), 5), service("clash", webPort, a.port(), 100)));
                assertTrue(refused.hasNack());
                assertEquals(2, refused.getNack().getVersion());
                assertTrue(refused.getNack().getReason().contains("both listen on"), refused.getNack().getReason());
                assertEquals(1, fixture.runtime.appliedVersion());
                assertEquals(100, fixture.runtime.current().virtualServices().get(1).realServers().get(0).weight());
                try (TestClient client = new TestClient("127.0.0.1", webPort)) {
                    assertEquals("a", client.readLine());
                }

                NodeMessage applied = applier.apply(snapshot(3, service("web", webPort, a.port(), 100),
                        service("api", apiPort, a.port(), 5)));
                assertTrue(applied.hasAck());
                assertEquals(3, fixture.runtime.appliedVersion());
                assertSame(web, fixture.runtime.current().virtualServices().get(0), "unchanged service reused");
                assertEquals(5, fixture.runtime.current().virtualServices().get(1).realServers().get(0).weight());
                try (TestClient client = new TestClient("127.0.0.1", apiPort)) {
                    assertEquals("a", client.readLine());
                }
            } finally {
                applier.close();
            }
        }
    }
}
