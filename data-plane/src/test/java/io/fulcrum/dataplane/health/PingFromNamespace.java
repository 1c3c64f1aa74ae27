package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.health.icmp.IcmpPinger;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

/** Run by {@link PingSocketTest} inside a network namespace: pings loopback once and prints what happened. */
public final class PingFromNamespace {
    private PingFromNamespace() {
    }

    public static void main(String[] args) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try (IcmpPinger pinger = new IcmpPinger()) {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            ProbeResult result = pinger.ping(group.next(), loopback, 2000).get(5, TimeUnit.SECONDS);
            System.out.println("kind=" + pinger.socketKind(loopback) + " success=" + result.success()
                    + " detail=" + result.detail());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
