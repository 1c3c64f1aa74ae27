package io.fulcrum.testbed.e2e;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Specs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The fallback server takes clients only when no real server can, and hands them back when one can again. */
@ExtendWith(ClusterExtension.class)
class FallbackIT {

    private static final String SERVICE = "With-Fallback";

    private FulcrumCluster cluster;
    private NameServer only;
    private NameServer fallback;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        only = NameServer.start("only", "127.0.0.37");
        fallback = NameServer.start("fallback", "127.0.0.38");
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        only.close();
        fallback.close();
    }

    @Test
    void fallbackAnswersOnlyWhileNoRealServerCan() throws Exception {
        FulcrumApi api = cluster.api();
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        var body = Specs.virtualService(SERVICE, port, "weighted-least-connections");
        body.putObject("fallback").put("address", fallback.address()).put("port", fallback.port());
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), body));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "only"), Specs.realServer(only, 100)));
        InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
        String realServer = FulcrumApi.realServer(SERVICE, "only");

        assertAllAnsweredBy("only", target);
        cluster.awaitApplied(api.patch(realServer, Specs.patch("state", "halt")));
        assertAllAnsweredBy("fallback", target);
        cluster.awaitApplied(api.patch(realServer, Specs.patch("state", "online")));
        assertAllAnsweredBy("only", target);
    }

    private static void assertAllAnsweredBy(String expected, InetSocketAddress target) throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals(expected, LineClient.askOnce("127.0.0." + (100 + i), target), "connection " + i);
        }
    }
}
