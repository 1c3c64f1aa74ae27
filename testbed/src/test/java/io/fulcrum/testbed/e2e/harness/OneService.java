package io.fulcrum.testbed.e2e.harness;

import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** The smallest configuration a fault test needs: one virtual service in front of one real server. */
public final class OneService {
    private OneService() {
    }

    /**
     * Creates the service (weighted round robin, on a free port of {@link Specs#VIRTUAL_ADDRESS}) and its
     * real server, waits until every named node applied it, and returns the address clients use.
     */
    public static InetSocketAddress serve(FulcrumApi api, String name, NameServer server, List<String> nodes) {
        int port = FreePorts.on(Specs.VIRTUAL_ADDRESS);
        api.put(FulcrumApi.virtualService(name), Specs.virtualService(name, port, "weighted-round-robin")).requireSuccess();
        long version = api.put(FulcrumApi.realServer(name, server.name()), Specs.realServer(server, 100))
                .requireSuccess().requireConfigVersion();
        new NodeSync(api).awaitApplied(nodes, version, Duration.ofSeconds(30));
        return new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
    }
}
