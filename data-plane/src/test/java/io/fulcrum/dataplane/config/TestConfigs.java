package io.fulcrum.dataplane.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * Desired-state records with the product's values (what the control plane sends for fields an
 * operator left out), for tests that build configs without going through the proto mapper.
 */
public final class TestConfigs {
    public static final Duration IDLE_TIMEOUT = Duration.ofHours(12);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final int WEIGHT = 100;

    private TestConfigs() {
    }

    /** A layer-7 TCP service: least connections, no persistence, a connect check, 12h idle, 5s connect. */
    public static VirtualServiceConfig tcp(String name, InetAddress address, List<Integer> ports,
                                           List<RealServerConfig> realServers) {
        return new VirtualServiceConfig(name, address, ports, Protocol.TCP, Layer.LAYER_7,
                Algorithm.WEIGHTED_LEAST_CONNECTIONS, noPersistence(), connectCheck(), null, false,
                IDLE_TIMEOUT, IDLE_TIMEOUT, CONNECT_TIMEOUT, flows(), clients(), realServers);
    }

    /** A layer-4 UDP service with otherwise the same settings as {@link #tcp}. */
    public static VirtualServiceConfig udp(String name, InetAddress address, List<Integer> ports,
                                           List<RealServerConfig> realServers) {
        return tcp(name, address, ports, realServers).withTransport(Protocol.UDP, Layer.LAYER_4);
    }

    /** A connect check every 2s with a 2s timeout, rise 2, fall 3; path, status and payload for a switch of type. */
    public static HealthCheckConfig connectCheck() {
        return new HealthCheckConfig(HealthCheckType.CONNECT, Duration.ofSeconds(2), Duration.ofSeconds(2), 2, 3, 0,
                "/", 200, 399, "fulcrum-health-check", "");
    }

    public static PersistenceConfig noPersistence() {
        return new PersistenceConfig(PersistenceMode.NONE, Duration.ZERO);
    }

    /** A client's first byte within a minute; no connection limit of the service's own. */
    public static ClientLimits clients() {
        return new ClientLimits(Duration.ofMinutes(1), 0, 0);
    }

    /** Flows end after 5 minutes idle; at most 10,000 per service. */
    public static FlowSettings flows() {
        return new FlowSettings(Duration.ofMinutes(5), 10_000);
    }

    /** A real server taking new clients with weight 100 and no connection limits. */
    public static RealServerConfig online(String label, InetAddress address, int port) {
        return new RealServerConfig(label, address, port, WEIGHT, 0, 0, AdminState.ONLINE);
    }
}
