package io.fulcrum.dataplane.health.icmp;

import com.sun.jna.LastErrorException;
import com.sun.jna.ptr.IntByReference;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One ICMP socket of one address family: an unprivileged ping socket (SOCK_DGRAM, allowed when the
 * process's group is in net.ipv4.ping_group_range) or else a raw socket (root or CAP_NET_RAW).
 * A ping socket lets the kernel own the echo identifier and hands back ICMP without the IP header;
 * a raw IPv4 socket returns the IP header and sees every ICMP message.
 */
final class IcmpSocket implements AutoCloseable {
    final boolean ipv6;
    final boolean raw;
    final int fd;

    private IcmpSocket(boolean ipv6, boolean raw, int fd) {
        this.ipv6 = ipv6;
        this.raw = raw;
        this.fd = fd;
    }

    /** Opens a ping socket, else a raw one; throws with both errors when neither is allowed. */
    static IcmpSocket open(boolean ipv6) {
        int domain = ipv6 ? LibC.AF_INET6 : LibC.AF_INET;
        int protocol = ipv6 ? LibC.IPPROTO_ICMPV6 : LibC.IPPROTO_ICMP;
        try {
            return new IcmpSocket(ipv6, false, LibC.INSTANCE.socket(domain, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC,
                    protocol));
        } catch (LastErrorException dgram) {
            try {
                return new IcmpSocket(ipv6, true, LibC.INSTANCE.socket(domain, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC,
                        protocol));
            } catch (LastErrorException rawError) {
                throw new IllegalStateException("ICMP needs CAP_NET_RAW or net.ipv4.ping_group_range (ping socket: "
                        + dgram.getMessage() + ", raw socket: " + rawError.getMessage() + ")");
            }
        }
    }

    /** Sends one echo request; throws with errno's text (e.g. network unreachable). */
    void send(InetAddress target, byte[] message) {
        byte[] address = ipv6 ? sockaddrIn6((Inet6Address) target) : sockaddrIn((Inet4Address) target);
        LibC.INSTANCE.sendto(fd, message, message.length, 0, address, address.length);
    }

    /** Receives one message into {@code buffer}; returns its length and puts the sender in {@code from[0]}. */
    int receive(byte[] buffer, InetAddress[] from) {
        byte[] address = new byte[28];
        IntByReference length = new IntByReference(address.length);
        int received = (int) LibC.INSTANCE.recvfrom(fd, buffer, buffer.length, 0, address, length);
        from[0] = sender(address);
        return received;
    }

    /** Offset of the ICMP header in a received message: raw IPv4 sockets deliver the IP header too. */
    int icmpOffset(byte[] buffer) {
        return raw && !ipv6 ? (buffer[0] & 0x0f) * 4 : 0;
    }

    @Override
    public void close() {
        LibC.INSTANCE.close(fd);
    }

    private InetAddress sender(byte[] address) {
        try {
            return InetAddress.getByAddress(ipv6 ? Arrays.copyOfRange(address, 8, 24)
                    : Arrays.copyOfRange(address, 4, 8));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    // struct sockaddr_in: family (host order), port, address; little-endian host.
    private static byte[] sockaddrIn(Inet4Address target) {
        byte[] address = new byte[16];
        address[0] = (byte) LibC.AF_INET;
        System.arraycopy(target.getAddress(), 0, address, 4, 4);
        return address;
    }

    // struct sockaddr_in6: family, port, flow info, address, scope id.
    private static byte[] sockaddrIn6(Inet6Address target) {
        byte[] address = new byte[28];
        address[0] = (byte) LibC.AF_INET6;
        System.arraycopy(target.getAddress(), 0, address, 8, 16);
        int scope = target.getScopeId();
        address[24] = (byte) scope;
        address[25] = (byte) (scope >> 8);
        address[26] = (byte) (scope >> 16);
        address[27] = (byte) (scope >> 24);
        return address;
    }
}
