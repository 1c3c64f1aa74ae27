package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class RuntimeReuseTest {
    private final RuntimeFixture fixture = new RuntimeFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void unchangedServiceKeepsItsRunningObjectConfigAndConnections() throws Exception {
        int webPort = FreePorts.next();
        int apiPort = FreePorts.next();
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0);
             TestRealServer b = TestRealServer.start("b", "127.0.0.1", 0)) {
            VirtualServiceConfig web = service("web", "127.0.0.1", webPort, realServer("a", "127.0.0.1", a.port()));
            VirtualServiceConfig api = service("api", "127.0.0.1", apiPort, realServer("b", "127.0.0.1", b.port()));
            fixture.apply(1, web, api);
            VirtualService runningWeb = fixture.runtime.running("web");
            try (TestClient client = new TestClient("127.0.0.1", webPort)) {
                assertEquals("a", client.readLine());
                VirtualServiceConfig weightedApi =
                        api.withRealServers(List.of(realServer("b", "127.0.0.1", b.port()).withWeight(7)));
                fixture.apply(2, web, weightedApi);

                assertSame(runningWeb, fixture.runtime.running("web"));
                assertSame(web, fixture.runtime.running("web").config(), "an unchanged service is not updated");
                assertEquals(7, fixture.runtime.running("api").config().realServers().get(0).weight());
                client.send("still here\n");
                assertEquals("still here", client.readLine());
                assertEquals(1, fixture.status("web", "a").activeConnections());
            }
            assertEquals(2, fixture.runtime.appliedVersion());
        }
    }

    @Test
    void equalButNotIdenticalConfigLeavesTheRunningSelectorAlone() throws Exception {
        int port = FreePorts.next();
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0);
             TestRealServer b = TestRealServer.start("b", "127.0.0.1", 0)) {
            VirtualServiceConfig web = service("web", "127.0.0.1", port, realServer("a", "127.0.0.1", a.port()),
                    realServer("b", "127.0.0.1", b.port())).withAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN);
            fixture.apply(1, web);
            String first = readOne(port);
            // A copy equal in every field: the round-robin position must survive it, so the next
            // connection goes to the other server instead of starting the rotation over.
            fixture.apply(2, service("web", "127.0.0.1", port, realServer("a", "127.0.0.1", a.port()),
                    realServer("b", "127.0.0.1", b.port())).withAlgorithm(Algorithm.WEIGHTED_ROUND_ROBIN));
            String second = readOne(port);
            assertEquals(first.equals("a") ? "b" : "a", second);
            assertSame(web, fixture.runtime.running("web").config());
        }
    }

    private static String readOne(int port) throws Exception {
        try (TestClient client = new TestClient("127.0.0.1", port)) {
            return client.readLine();
        }
    }
}
