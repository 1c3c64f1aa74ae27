package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.os.SocketAddresses;

import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetSocketAddress;

/**
 * Identifies a flow: the client's address and port, and the service port it sent to (a client may
 * use one source port towards several ports of the same service, each its own flow).
 *
 * <p>Keys compare by the address's raw bits, so a datagram finds its flow without a Java address
 * object: each service socket reads every sender into one reusable lookup key of its own
 * ({@link #lookup()}, {@link #readSender}), which is never stored; only a new flow keeps a copy
 * ({@link #stored()}), and only that copy holds the client as an {@link InetSocketAddress}.
 */
public final class FlowKey {
    private boolean v6;
    /** IPv6: the first 8 bytes of the address; IPv4: 0. */
    private long high;
    /** IPv6: the last 8 bytes; IPv4: the 4 bytes. */
    private long low;
    private int scopeId;
    private int port;
    private int servicePort;
    /** The client as Java sees it: in stored keys only (null in a lookup key). */
    private InetSocketAddress client;

    private FlowKey() {
    }

    public FlowKey(InetSocketAddress client, int servicePort) {
        byte[] raw = client.getAddress().getAddress();
        this.v6 = raw.length == 16;
        if (v6) {
            this.high = SocketAddresses.bits(raw, 0, 8);
            this.low = SocketAddresses.bits(raw, 8, 8);
            this.scopeId = ((Inet6Address) client.getAddress()).getScopeId();
        } else {
            this.low = SocketAddresses.bits(raw, 0, 4);
        }
        this.port = client.getPort();
        this.servicePort = servicePort;
        this.client = client;
    }

    /** A key to look flows up with, refilled for every datagram by {@link #readSender}; never stored. */
    static FlowKey lookup() {
        return new FlowKey();
    }

    /** Makes this lookup key the sender of the sockaddr at {@code offset} towards {@code servicePort}. */
    FlowKey readSender(MemorySegment memory, long offset, int servicePort) {
        v6 = SocketAddresses.isV6(memory, offset);
        high = SocketAddresses.highBits(memory, offset);
        low = SocketAddresses.lowBits(memory, offset);
        scopeId = SocketAddresses.scopeId(memory, offset);
        port = SocketAddresses.port(memory, offset);
        this.servicePort = servicePort;
        this.client = null;
        return this;
    }

    /** The key to keep with a new flow: this one if it is a stored key already, else a copy that holds the client. */
    FlowKey stored() {
        if (client != null) {
            return this;
        }
        // The bits are copied, not derived again from the Java address: Java turns an IPv4-mapped IPv6
        // sender into an Inet4Address, and a key built from that would not equal the lookup key.
        FlowKey copy = new FlowKey();
        copy.v6 = v6;
        copy.high = high;
        copy.low = low;
        copy.scopeId = scopeId;
        copy.port = port;
        copy.servicePort = servicePort;
        copy.client = new InetSocketAddress(SocketAddresses.address(v6, high, low, scopeId), port);
        return copy;
    }

    /** The client's address and port (a stored key's; null in a lookup key). */
    public InetSocketAddress client() {
        return client;
    }

    public int servicePort() {
        return servicePort;
    }

    /** Writes the client's sockaddr at {@code offset} (replies go there); returns its size (16 or 28). */
    int writeClient(MemorySegment memory, long offset) {
        return SocketAddresses.write(memory, offset, v6, high, low, scopeId, port);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FlowKey key && key.low == low && key.port == port && key.servicePort == servicePort
                && key.high == high && key.v6 == v6 && key.scopeId == scopeId;
    }

    @Override
    public int hashCode() {
        long mixed = (low * 0x9E3779B97F4A7C15L) ^ (high * 0xC2B2AE3D27D4EB4FL) ^ ((long) port << 16 | servicePort)
                ^ scopeId;
        return (int) (mixed ^ (mixed >>> 32));
    }

    @Override
    public String toString() {
        return (client != null ? client.toString() : "/" + SocketAddresses.address(v6, high, low, scopeId).getHostAddress() + ":" + port) + " -> port " + servicePort;
    }
}
