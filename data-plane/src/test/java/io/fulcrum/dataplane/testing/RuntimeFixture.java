package io.fulcrum.dataplane.testing;

import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.health.HealthTransition;
import io.fulcrum.dataplane.report.RealServerStatus;
import io.fulcrum.dataplane.report.VirtualServiceStatus;
import io.fulcrum.dataplane.runtime.ApplyException;
import io.fulcrum.dataplane.runtime.DataPlaneRuntime;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A real runtime on a small epoll event-loop group, with helpers to build loopback snapshots. */
public final class RuntimeFixture implements AutoCloseable {
    public final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    public final List<HealthTransition> transitions = new CopyOnWriteArrayList<>();
    public final DataPlaneRuntime runtime = new DataPlaneRuntime(group, (server, t) -> transitions.add(t),
            System::currentTimeMillis);

    public void apply(long version, VirtualServiceConfig... services) throws ApplyException {
        runtime.apply(new Snapshot(version, List.of(services)));
    }

    /** A layer-7 TCP service without health checks, so tests control eligibility themselves. */
    public static VirtualServiceConfig service(String name, String address, int port, RealServerConfig... servers) {
        return TestConfigs.tcp(name, ip(address), List.of(port), List.of(servers))
                .withHealthCheck(TestConfigs.connectCheck().withType(HealthCheckType.NONE));
    }

    public static RealServerConfig realServer(String label, String address, int port) {
        return TestConfigs.online(label, ip(address), port);
    }

    public static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public VirtualServiceStatus status(String service) {
        return runtime.status().virtualServices().stream().filter(s -> s.name().equals(service)).findFirst()
                .orElseThrow();
    }

    public RealServerStatus status(String service, String label) {
        return status(service).realServers().stream().filter(r -> r.label().equals(label)).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        runtime.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
