package io.fulcrum.testbed.e2e;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fulcrum.testbed.api.FulcrumApi;
import io.fulcrum.testbed.e2e.harness.ClusterExtension;
import io.fulcrum.testbed.e2e.harness.DemoServer;
import io.fulcrum.testbed.e2e.harness.FulcrumCluster;
import io.fulcrum.testbed.e2e.harness.Overview;
import io.fulcrum.testbed.e2e.harness.Poll;
import io.fulcrum.testbed.e2e.harness.Specs;
import io.fulcrum.testbed.e2e.harness.UdpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A UDP real server process dies: within fall × interval + margin its clients' live flows are
 * re-pinned to the survivor (counted as repinnedFlows in the overview) and their new flows land
 * there too, on both nodes.
 *
 * <p>The service uses a {@code connect} check against the demo process's TCP port (healthCheck.port),
 * not the brief's {@code ping}: a ping asks the host, and on loopback (as on a real host whose UDP
 * service crashed) the host keeps answering ICMP after the process is gone, so a ping check would
 * never see this failure. The demo process serves TCP and UDP on the same port, so the TCP port
 * going away is exactly the process going away.
 */
@ExtendWith(ClusterExtension.class)
class UdpFailoverIT {

    private static final String SERVICE = "UdpFailover";
    private static final int INTERVAL_MS = 500;
    private static final int FALL = 3;
    private static final long MOVE_LIMIT_MS = FALL * INTERVAL_MS + 2_000;

    private FulcrumCluster cluster;
    private DemoServer victim;
    private DemoServer survivor;

    @BeforeEach
    void start(FulcrumCluster cluster) {
        this.cluster = cluster;
        cluster.useNodes(FulcrumCluster.NODE_A, FulcrumCluster.NODE_B);
        Path logs = Path.of("target", "e2e", "udp-real-servers");
        // One port number on both addresses, because healthCheck.port applies to every real server.
        int realPort = DemoServer.freeTcpAndUdpPort("127.0.0.93");
        victim = DemoServer.start("victim", "127.0.0.93", realPort, logs);
        survivor = DemoServer.start("survivor", "127.0.0.94", realPort, logs);
    }

    @AfterEach
    void cleanUp() {
        cluster.api().delete(FulcrumApi.virtualService(SERVICE));
        victim.close();
        survivor.close();
    }

    @Test
    void killedServerIsDetectedAndItsFlowsMoveToTheSurvivor() throws Exception {
        InetSocketAddress target = deploy(check -> check.put("type", "connect").put("interval", INTERVAL_MS + "ms")
                .put("rise", 2).put("fall", FALL).put("port", victim.port()));
        Overview overview = new Overview(cluster.api());
        List<UdpClient> flows = new ArrayList<>();
        List<UdpClient> onVictim = new ArrayList<>();
        try {
            openFlows(target, 1, 12, flows, onVictim);

            long killedAt = System.nanoTime();
            victim.close();
            for (UdpClient flow : onVictim) {
                String answer = Poll.untilValue("flow re-pinned to the survivor", Duration.ofMillis(MOVE_LIMIT_MS),
                        () -> askQuietly(flow), "survivor"::equals);
                assertEquals("survivor", answer);
            }
            long movedMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("victim's flows answered by the survivor " + movedMs + " ms after the kill");
            assertTrue(movedMs <= MOVE_LIMIT_MS, "moved after " + movedMs + " ms, limit " + MOVE_LIMIT_MS);

            // Flows may move on a failed send before the report of the health transition arrives.
            Poll.until("victim shown down by both nodes", Duration.ofSeconds(3),
                    () -> overview.downOnEveryNode(SERVICE, "victim", 2));
            for (int i = 0; i < 12; i++) {
                assertEquals("survivor", UdpClient.askOnce("127.0.7." + (1 + i), target), "new flow after the kill");
            }
            for (UdpClient flow : flows) {
                assertEquals("survivor", flow.ask(), "every live flow is served");
            }
            Poll.until("overview counts the re-pinned flows", Duration.ofSeconds(5),
                    () -> overview.virtualService(SERVICE).path("repinnedFlows").asLong() >= onVictim.size());
        } finally {
            flows.forEach(UdpClient::close);
        }
    }

    /**
     * RAS-SG-UDP's own configuration: a {@code ping} check, which cannot see a UDP service die while its
     * host answers ICMP echo. The kernel answers the flows' datagrams with ICMP port unreachable, and
     * those eject the real server (passive failure detection): its clients are answered by the
     * survivor within 3 s, and the overview says why.
     */
    @Test
    void aPingCheckedServerWhoseUdpServiceDiesIsEjectedByPortUnreachable() throws Exception {
        InetSocketAddress target = deploy(check -> check.put("type", "ping").put("interval", "1s").put("rise", 2)
                .put("fall", 3));
        Overview overview = new Overview(cluster.api());
        List<UdpClient> flows = new ArrayList<>();
        List<UdpClient> onVictim = new ArrayList<>();
        try {
            openFlows(target, 40, 20, flows, onVictim);

            long killedAt = System.nanoTime();
            victim.close();
            for (UdpClient flow : onVictim) {
                assertEquals("survivor", Poll.untilValue("flow answered by the survivor", Duration.ofSeconds(3),
                        () -> askQuietly(flow), "survivor"::equals));
            }
            long movedMs = (System.nanoTime() - killedAt) / 1_000_000;
            System.out.println("ping-checked victim's " + onVictim.size() + " flows answered by the survivor "
                    + movedMs + " ms after the kill");
            assertTrue(movedMs <= 3_000, "moved after " + movedMs + " ms, limit 3000");
            Poll.until("victim shown down for port unreachable", Duration.ofSeconds(3),
                    () -> "down".equals(overview.health(SERVICE, "victim"))
                            && overview.realServer(SERVICE, "victim").path("healthReason").asText().contains("port unreachable"));
            for (UdpClient flow : flows) {
                assertEquals("survivor", flow.ask(), "every live flow is served");
            }
        } finally {
            flows.forEach(UdpClient::close);
        }
    }

    /**
     * A {@code udp} check (keepalived's UDP_CHECK): a datagram whose reply must echo the payload. When the
     * victim dies the next check gets ICMP port unreachable, which is conclusive: down within
     * fall × interval (here at the first check after the kill), and the overview says why.
     */
    @Test
    void aUdpCheckSeesTheServiceDieWithinFallTimesInterval() throws Exception {
        FulcrumApi api = cluster.api();
        int port = DemoServer.freeTcpAndUdpPort(Specs.VIRTUAL_ADDRESS);
        ObjectNode service = Specs.virtualService(SERVICE, port, "weighted-round-robin")
                .put("protocol", "udp").put("layer", 4);
        service.putObject("healthCheck").put("type", "udp").put("interval", INTERVAL_MS + "ms").put("rise", 2)
                .put("fall", FALL).put("send", "are you there").put("expect", "are you there");
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), service));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "victim"), victim.realServer(100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "survivor"), survivor.realServer(100)));
        Overview overview = new Overview(api);
        Poll.until("both real servers up by udp check", Duration.ofSeconds(10),
                () -> "up".equals(overview.health(SERVICE, "victim")) && "up".equals(overview.health(SERVICE, "survivor")));
        String reason = overview.realServer(SERVICE, "victim").path("healthReason").asText("");
        assertTrue(reason.startsWith("reply of "), reason);

        long killedAt = System.nanoTime();
        victim.close();
        Poll.until("victim down by udp check", Duration.ofMillis(FALL * INTERVAL_MS + 2_000),
                () -> "down".equals(overview.health(SERVICE, "victim")));
        long downMs = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("udp check: victim shown down " + downMs + " ms after the kill");
        assertTrue(downMs <= FALL * INTERVAL_MS + 1_000, "down after " + downMs + " ms");
        assertTrue(overview.realServer(SERVICE, "victim").path("healthReason").asText().contains("port unreachable"),
                overview.realServer(SERVICE, "victim").toString());
        InetSocketAddress target = new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
        Poll.until("victim down on both nodes", Duration.ofSeconds(2), () -> overview.downOnEveryNode(SERVICE, "victim", 2));
        for (int i = 0; i < 8; i++) {
            assertEquals("survivor", UdpClient.askOnce("127.0.7." + (70 + i), target), "new flow after the kill");
        }
    }

    /**
     * The UDP service (source-IP persistence 6h) with the victim and the survivor behind it, checked as
     * {@code check} says; returns its address once both are up.
     */
    private InetSocketAddress deploy(java.util.function.Consumer<ObjectNode> check) {
        FulcrumApi api = cluster.api();
        int port = DemoServer.freeTcpAndUdpPort(Specs.VIRTUAL_ADDRESS);
        ObjectNode service = Specs.withSourceIpPersistence(
                Specs.virtualService(SERVICE, port, "weighted-round-robin"), "6h")
                .put("protocol", "udp").put("layer", 4);
        check.accept(service.putObject("healthCheck"));
        cluster.awaitApplied(api.put(FulcrumApi.virtualService(SERVICE), service));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "victim"), victim.realServer(100)));
        cluster.awaitApplied(api.put(FulcrumApi.realServer(SERVICE, "survivor"), survivor.realServer(100)));
        Overview overview = new Overview(api);
        Poll.until("both real servers up", Duration.ofSeconds(10),
                () -> "up".equals(overview.health(SERVICE, "victim")) && "up".equals(overview.health(SERVICE, "survivor")));
        return new InetSocketAddress(Specs.VIRTUAL_ADDRESS, port);
    }

    /** Opens {@code count} flows from 127.0.7.{first}...; those answered by the victim also go to onVictim. */
    private static void openFlows(InetSocketAddress target, int first, int count, List<UdpClient> flows,
                                  List<UdpClient> onVictim) throws IOException {
        for (int i = 0; i < count; i++) {
            UdpClient flow = UdpClient.open("127.0.7." + (first + i), target);
            flows.add(flow);
            if (flow.ask().equals("victim")) {
                onVictim.add(flow);
            }
        }
        assertFalse(onVictim.isEmpty(), "some flows landed on the victim");
    }

    private static String askQuietly(UdpClient flow) {
        try {
            return flow.tryAsk(Duration.ofMillis(200)).orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
