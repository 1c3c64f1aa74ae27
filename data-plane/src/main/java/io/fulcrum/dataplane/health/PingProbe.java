package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.health.icmp.IcmpPinger;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;

/** An ICMP echo to the real server's address (the port plays no part). */
final class PingProbe implements HealthProbe {
    private final IcmpPinger pinger;

    PingProbe(IcmpPinger pinger) {
        this.pinger = pinger;
    }

    @Override
    public Future<ProbeResult> check(EventLoop loop, InetSocketAddress target, HealthCheckConfig config) {
        return pinger.ping(loop, target.getAddress(), config.timeout().toMillis());
    }
}
