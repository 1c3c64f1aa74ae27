package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.FlowSettings;
import io.fulcrum.dataplane.config.PersistenceConfig;
import io.fulcrum.dataplane.config.PersistenceMode;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.health.Health;
import io.fulcrum.dataplane.health.HealthTransition;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.fulcrum.dataplane.testing.RuntimeFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowTableTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final RealServer a = new RealServer(TestConfigs.online("a", ip("127.0.0.11"), 53));
    private final RealServer b = new RealServer(TestConfigs.online("b", ip("127.0.0.12"), 0));
    private final FakeService service = new FakeService(clock);
    private final List<RecordingUpstream> opened = new ArrayList<>();
    private final FlowTable table = new FlowTable(service, (t, flow, target) -> {
        RecordingUpstream upstream = new RecordingUpstream(target);
        opened.add(upstream);
        return upstream;
    }, clock::get);

    @Test
    void aFlowEndsAfterItsIdleTimeoutAndReleasesEverythingOnce() {
        service.configure(new FlowSettings(Duration.ofSeconds(10), 100), TestConfigs.noPersistence(), a);
        UdpFlow flow = table.route(key("127.0.100.1", 4000), null);
        clock.addAndGet(9_000);
        assertSame(flow, table.route(key("127.0.100.1", 4000), null), "a datagram keeps the flow alive");
        clock.addAndGet(9_999);
        assertEquals(0, table.expireIdle());
        clock.addAndGet(1);
        assertEquals(1, table.expireIdle());
        assertEquals(0, table.expireIdle());
        table.end(flow);
        assertEquals(0, table.liveFlows());
        assertEquals(0, service.counters().active());
        assertEquals(0, a.activeConnections());
        assertEquals(1, opened.get(0).closes);
    }

    @Test
    void atTheFlowLimitNewFlowsAreDroppedAndCountedWhileExistingOnesKeepGoing() {
        service.configure(new FlowSettings(Duration.ofMinutes(5), 2), TestConfigs.noPersistence(), a);
        UdpFlow first = table.route(key("127.0.100.1", 1), null);
        UdpFlow second = table.route(key("127.0.100.1", 2), null);
        assertNull(table.route(key("127.0.100.1", 3), null));
        assertNull(table.route(key("127.0.100.2", 1), null));
        assertEquals(2, service.counters().droppedFlows());
        assertSame(first, table.route(key("127.0.100.1", 1), null));
        assertSame(second, table.route(key("127.0.100.1", 2), null));
        assertEquals(2, table.liveFlows());
        table.end(first);
        assertNotNull(table.route(key("127.0.100.1", 3), null), "room again once a flow ended");
    }

    @Test
    void aClientIpSticksToItsServerAcrossNewFlows() {
        service.configure(TestConfigs.flows(), new PersistenceConfig(PersistenceMode.SOURCE_IP,
                Duration.ofHours(6)), a, b);
        RealServer pinned = table.route(key("127.0.100.7", 1000), null).server();
        for (int port = 1001; port < 1010; port++) {
            assertSame(pinned, table.route(key("127.0.100.7", port), null).server(), "flow from port " + port);
        }
        assertSame(pinned, service.selector().persistence().lookup(ip("127.0.100.7")));
    }

    @Test
    void theSixHourPersistenceEntryIsRefreshedByDatagramsOfALongFlow() {
        service.configure(TestConfigs.flows().withIdle(Duration.ofHours(12)),
                new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofHours(6)), a, b);
        RealServer pinned = table.route(key("127.0.100.7", 1000), null).server();
        for (int hour = 0; hour < 10; hour++) {
            clock.addAndGet(Duration.ofHours(1).toMillis());
            table.route(key("127.0.100.7", 1000), null);
        }
        clock.addAndGet(Duration.ofHours(5).toMillis());
        assertSame(pinned, table.route(key("127.0.100.7", 2000), null).server(), "entry used 5h ago still holds");
        clock.addAndGet(Duration.ofHours(6).toMillis());
        assertNull(service.selector().persistence().lookup(ip("127.0.100.7")), "entry expires 6h after last use");
    }

    @Test
    void aFlowWhoseServerWentDownIsRepinnedOnItsNextDatagram() {
        service.configure(TestConfigs.flows(), new PersistenceConfig(PersistenceMode.SOURCE_IP,
                Duration.ofHours(6)), a, b);
        UdpFlow flow = table.route(key("127.0.100.1", 5000), null);
        RealServer first = flow.server();
        RealServer other = first == a ? b : a;
        first.applyHealth(new HealthTransition(Health.UP, Health.DOWN, "timeout", clock.get()));
        assertSame(flow, table.route(key("127.0.100.1", 5000), null));
        assertSame(other, flow.server());
        assertEquals(1, service.counters().repinnedFlows());
        assertEquals(0, first.activeConnections());
        assertEquals(1, other.activeConnections());
        assertEquals(1, service.counters().active(), "still one flow");
        assertEquals(1, opened.get(0).closes, "old upstream socket closed");
        assertEquals(2, opened.size());
        assertSame(other, service.selector().persistence().lookup(ip("127.0.100.1")));
    }

    @Test
    void drainAndHaltLeaveALiveFlowToFinish() {
        service.configure(TestConfigs.flows(), TestConfigs.noPersistence(), a, b);
        UdpFlow flow = table.route(key("127.0.100.1", 5000), null);
        RealServer first = flow.server();
        first.update(first.config().withState(AdminState.DRAIN));
        assertSame(first, table.route(key("127.0.100.1", 5000), null).server());
        first.update(first.config().withState(AdminState.HALT));
        assertSame(first, table.route(key("127.0.100.1", 5000), null).server());
        assertEquals(0, service.counters().repinnedFlows());
        assertTrue(first != table.route(key("127.0.100.1", 5001), null).server(), "a new flow avoids the halted server");
    }

    @Test
    void haltedServerDoesNotKeepTheClientPinnedForItsNextFlows() {
        service.configure(TestConfigs.flows(), new PersistenceConfig(PersistenceMode.SOURCE_IP, Duration.ofMinutes(6)), a, b);
        UdpFlow flow = table.route(key("127.0.100.1", 5000), null);
        RealServer first = flow.server();
        first.update(first.config().withState(AdminState.HALT));
        clock.addAndGet(FlowTable.PIN_REFRESH_MILLIS * 2);
        assertSame(first, table.route(key("127.0.100.1", 5000), null).server(), "the live flow stays");
        RealServer next = table.route(key("127.0.100.1", 5001), null).server();
        assertTrue(first != next, "the client's new flow goes elsewhere");
        assertSame(next, service.selector().persistence().lookup(ip("127.0.100.1")));
    }

    @Test
    void aFlowWithNowhereToGoEndsAndItsDatagramIsDropped() {
        service.configure(TestConfigs.flows(), TestConfigs.noPersistence(), a);
        table.route(key("127.0.100.1", 5000), null);
        a.applyHealth(new HealthTransition(Health.UP, Health.DOWN, "timeout", clock.get()));
        assertNull(table.route(key("127.0.100.1", 5000), null));
        assertEquals(0, table.liveFlows());
        assertEquals(0, a.activeConnections());
        assertEquals(0, service.counters().active());
    }

    @Test
    void liveFlowsCountAsActiveConnectionsAndNewFlowsAsTotal() {
        service.configure(TestConfigs.flows(), TestConfigs.noPersistence(), a);
        for (int port = 1; port <= 3; port++) {
            table.route(key("127.0.100.1", port), null);
            table.route(key("127.0.100.1", port), null);
        }
        assertEquals(3, service.counters().active());
        assertEquals(3, service.counters().total());
        assertEquals(3, a.activeConnections());
        assertEquals(3, a.totalConnections());
    }

    @Test
    void maxConnectionsLimitsFlowsPerServerUntilBelowMinConnections() {
        RealServer limited = new RealServer(TestConfigs.online("a", ip("127.0.0.11"), 53).withLimits(1, 2));
        service.configure(TestConfigs.flows(), TestConfigs.noPersistence(), limited);
        UdpFlow one = table.route(key("127.0.100.1", 1), null);
        UdpFlow two = table.route(key("127.0.100.2", 1), null);
        assertNull(table.route(key("127.0.100.3", 1), null), "saturated at max 2");
        table.end(two);
        assertNull(table.route(key("127.0.100.3", 1), null), "still saturated until below min 1");
        table.end(one);
        assertNotNull(table.route(key("127.0.100.3", 1), null));
        assertEquals(2, service.counters().refusedConnections());
    }

    @Test
    void aPortFollowingServerGetsThePortTheClientSentTo() {
        service.configure(TestConfigs.flows(), TestConfigs.noPersistence(), b);
        table.route(new FlowKey(new InetSocketAddress(ip("127.0.100.1"), 9), 3478), null);
        assertEquals(new InetSocketAddress(ip("127.0.0.12"), 3478), opened.get(0).target);
    }

    private static FlowKey key(String client, int port) {
        return new FlowKey(new InetSocketAddress(ip(client), port), 53);
    }

    /** Records what the table does with a flow's socket. */
    private static final class RecordingUpstream implements FlowUpstream {
        final InetSocketAddress target;
        int closes;

        RecordingUpstream(InetSocketAddress target) {
            this.target = target;
        }

        @Override
        public boolean send(UdpLoop from) {
            return true;
        }

        @Override
        public void close() {
            closes++;
        }
    }

    /** A virtual service reduced to what the flow table reads. */
    private static final class FakeService implements ProxiedService {
        private final RealServerSelector selector;
        private final ServiceCounters counters = new ServiceCounters();
        private final io.fulcrum.dataplane.proxy.DescriptorBudget.Share descriptors =
                io.fulcrum.dataplane.proxy.DescriptorBudget.unlimited().share("udp");
        private VirtualServiceConfig config;

        FakeService(AtomicLong clock) {
            this.selector = new RealServerSelector(clock::get);
        }

        void configure(FlowSettings flows, PersistenceConfig persistence, RealServer... servers) {
            config = TestConfigs.udp("udp", ip("127.0.0.1"), List.of(53), List.of())
                    .withFlows(flows).withPersistence(persistence);
            selector.update(List.of(servers), Algorithm.WEIGHTED_ROUND_ROBIN, persistence);
        }

        @Override
        public VirtualServiceConfig config() {
            return config;
        }

        @Override
        public io.fulcrum.dataplane.proxy.DescriptorBudget.Share descriptors() {
            return descriptors;
        }

        @Override
        public RealServerSelector selector() {
            return selector;
        }

        @Override
        public ServiceCounters counters() {
            return counters;
        }
    }
}
