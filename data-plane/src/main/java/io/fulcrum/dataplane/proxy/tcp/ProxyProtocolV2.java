package io.fulcrum.dataplane.proxy.tcp;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

/** Encodes the binary PROXY protocol v2 header that tells a real server who the client really is. */
final class ProxyProtocolV2 {
    static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int VERSION_2_PROXY = 0x21;
    private static final int TCP_OVER_IPV4 = 0x11;
    private static final int TCP_OVER_IPV6 = 0x21;

    private ProxyProtocolV2() {
    }

    static byte[] header(InetAddress client, int clientPort, InetAddress destination, int destinationPort) {
        boolean ipv4 = client instanceof Inet4Address && destination instanceof Inet4Address;
        int addressLength = ipv4 ? 12 : 36;
        ByteBuffer header = ByteBuffer.allocate(16 + addressLength);
        header.put(SIGNATURE);
        header.put((byte) VERSION_2_PROXY);
        header.put((byte) (ipv4 ? TCP_OVER_IPV4 : TCP_OVER_IPV6));
        header.putShort((short) addressLength);
        header.put(bytes(client, ipv4));
        header.put(bytes(destination, ipv4));
        header.putShort((short) clientPort);
        header.putShort((short) destinationPort);
        return header.array();
    }

    // Mixed families are sent as IPv6, with IPv4 addresses in their IPv4-mapped form.
    private static byte[] bytes(InetAddress address, boolean ipv4) {
        byte[] raw = address.getAddress();
        if (ipv4 || address instanceof Inet6Address) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }
}
