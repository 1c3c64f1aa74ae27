package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.api.NodeSync;
import io.fulcrum.testbed.e2e.harness.ControlPlaneProcess;
import io.fulcrum.testbed.e2e.harness.DataPlaneNode;
import io.fulcrum.testbed.e2e.harness.FreePorts;
import io.fulcrum.testbed.e2e.harness.LineClient;
import io.fulcrum.testbed.e2e.harness.NameServer;
import io.fulcrum.testbed.e2e.harness.Overview;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.TestDatabase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node under {@code ulimit -n 1024} and 2,000 idle clients on one virtual service: the node takes
 * what its descriptor budget allows for that service, refuses the rest at once, and keeps serving an
 * unrelated service; no health check fails for want of a descriptor, so no real server goes down;
 * when the idle clients leave, the crowded service takes new clients within 3 s.
 */
class FdExhaustionIT {

    private static final int IDLE_CLIENTS = 2_000;
    private static final int UNRELATED_REQUESTS = 200;

    @Test
    void idleClientsOnOneServiceNeitherStarveAnotherNorTakeRealServersDown() throws Exception {
        Path work = Path.of("target", "e2e", "fd-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("HHmmss")))
                .toAbsolutePath();
        Path controlPlaneJar = Path.of(System.getProperty("fulcrum.controlPlane.jar"));
        Path dataPlaneJar = Path.of(System.getProperty("fulcrum.dataPlane.jar"));
        try (TestDatabase database = TestDatabase.create();
             ControlPlaneProcess controlPlane = ControlPlaneProcess.start(controlPlaneJar, database, work);
             NameServer crowdedServer = NameServer.start("crowded", "127.0.0.46");
             NameServer quietServer = NameServer.start("quiet", "127.0.0.47");
             DataPlaneNode node = DataPlaneNode.start(List.of("prlimit", "--nofile=1024:1024"), dataPlaneJar,
                     "fd-node", controlPlane.grpcTarget(), work, List.of())) {
            FulcrumApi api = controlPlane.api();
            int crowdedPort = FreePorts.on(Specs.VIRTUAL_ADDRESS);
            int quietPort = FreePorts.on(Specs.VIRTUAL_ADDRESS);
            apply(api, "Crowded", crowdedPort, crowdedServer);
            long version = apply(api, "Quiet", quietPort, quietServer);
            new NodeSync(api).awaitApplied(List.of("fd-node"), version, Duration.ofSeconds(30));
            Overview overview = new Overview(api);
            Poll.until("both real servers up", Duration.ofSeconds(10),
                    () -> "up".equals(overview.health("Crowded", "crowded")) && "up".equals(overview.health("Quiet", "quiet")));
            InetSocketAddress crowded = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, crowdedPort);
            InetSocketAddress quiet = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, quietPort);

            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < IDLE_CLIENTS; i++) {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.9." + (1 + i % 200)), 0));
                    socket.connect(crowded, 2_000);
                    idle.add(socket);
                }
                Poll.until("the crowded service to refuse its excess", Duration.ofSeconds(10),
                        () -> overview.virtualService("Crowded").path("refusedConnections").asLong() > 0);
                int answered = 0;
                for (int i = 0; i < UNRELATED_REQUESTS; i++) {
                    try {
                        if ("quiet".equals(LineClient.askOnce("127.0.0." + (150 + i % 50), quiet))) {
                            answered++;
                        }
                    } catch (IOException refused) {
                        // counted as not answered
                    }
                }
                long held = overview.virtualService("Crowded").path("connections").asLong();
                long refused = overview.virtualService("Crowded").path("refusedConnections").asLong();
                System.out.println("fd exhaustion: " + held + " of " + IDLE_CLIENTS + " idle clients held, " + refused
                        + " refused at once; the unrelated service answered " + answered + " of " + UNRELATED_REQUESTS);
                assertTrue(answered >= UNRELATED_REQUESTS * 99 / 100, "unrelated service answered " + answered);
                assertEquals("up", overview.health("Crowded", "crowded"), overview.realServer("Crowded", "crowded").toString());
                assertEquals("up", overview.health("Quiet", "quiet"), overview.realServer("Quiet", "quiet").toString());
                assertTrue(node.process().isAlive());
            } finally {
                for (Socket socket : idle) {
                    socket.close();
                }
            }
            long left = System.nanoTime();
            String answer = Poll.untilValue("the crowded service to take a new client", Duration.ofSeconds(3),
                    () -> LineClient.askQuietly("127.0.0.149", crowded), "crowded"::equals);
            assertEquals("crowded", answer);
            System.out.println("fd exhaustion: the crowded service took a new client "
                    + (System.nanoTime() - left) / 1_000_000 + " ms after the idle clients left");
            assertEquals(1, node.process().linesContaining("reached its descriptor limit"),
                    "one log line for the episode:\n" + node.process().tail(30));
        }
    }

    private static long apply(FulcrumApi api, String name, int port, NameServer server) {
        ObjectNode service = Specs.withConnectCheck(Specs.virtualService(name, port, "weighted-round-robin"), "500ms", 2, 2);
        api.put(FulcrumApi.virtualService(name), service).requireSuccess();
        return api.put(FulcrumApi.realServer(name, server.name()), Specs.realServer(server, 100))
                .requireSuccess().requireConfigVersion();
    }
}
