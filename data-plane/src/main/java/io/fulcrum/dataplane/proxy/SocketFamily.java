package io.fulcrum.dataplane.proxy;

import io.netty.channel.socket.SocketProtocolFamily;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The socket family for an address. IPv4 traffic gets IPv4 sockets rather than dual-stack IPv6
 * ones: that saves a system call per socket (IPV6_V6ONLY) and the mapped-address detour through
 * the kernel's IPv6 code on every connect and datagram.
 */
public final class SocketFamily {
    private SocketFamily() {
    }

    public static SocketProtocolFamily of(InetAddress address) {
        return address instanceof Inet4Address ? SocketProtocolFamily.INET : SocketProtocolFamily.INET6;
    }
}
