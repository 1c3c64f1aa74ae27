package io.fulcrum.dataplane.testing;

import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.health.HealthTransition;
import io.fulcrum.dataplane.proxy.DescriptorBudget;
import io.fulcrum.dataplane.proxy.udp.UdpSocketBuffers;
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
    private static final int EVENT_LOOPS = 2;
    public final EventLoopGroup group = new MultiThreadIoEventLoopGroup(EVENT_LOOPS, EpollIoHandler.newFactory());
    public final List<HealthTransition> transitions = new CopyOnWriteArrayList<>();
    public final DataPlaneRuntime runtime;

    public RuntimeFixture() {
        this(UdpSocketBuffers.DEFAULT);
    }

    /** With these UDP socket buffers (small ones let a test overflow them). */
    public RuntimeFixture(UdpSocketBuffers udpBuffers) {
        runtime = new DataPlaneRuntime(group, (server, t) -> transitions.add(t), System::currentTimeMillis,
                DescriptorBudget.unlimited(), udpBuffers);
    }

    /** Holds every event loop of the node until the returned latch is counted down (a node too busy to read). */
    public java.util.concurrent.CountDownLatch stallEventLoops() {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(EVENT_LOOPS);
        group.forEach(loop -> loop.execute(() -> {
            stalled.countDown();
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try {
            if (!stalled.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new IllegalStateException("event loops did not stall");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return release;
    }

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
