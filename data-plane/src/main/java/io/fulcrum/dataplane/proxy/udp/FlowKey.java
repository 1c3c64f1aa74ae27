package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.os.SocketCalls;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

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
    private static final ValueLayout.OfShort NETWORK_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NETWORK_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong NETWORK_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

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
            this.high = bits(raw, 0, 8);
            this.low = bits(raw, 8, 8);
            this.scopeId = ((Inet6Address) client.getAddress()).getScopeId();
        } else {
            this.low = bits(raw, 0, 4);
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
        v6 = memory.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) == SocketCalls.AF_INET6;
        port = Short.toUnsignedInt(memory.get(NETWORK_SHORT, offset + 2));
        if (v6) {
            high = memory.get(NETWORK_LONG, offset + 8);
            low = memory.get(NETWORK_LONG, offset + 16);
            scopeId = memory.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 24);
        } else {
            high = 0;
            low = Integer.toUnsignedLong(memory.get(NETWORK_INT, offset + 4));
            scopeId = 0;
        }
        this.servicePort = servicePort;
        this.client = null;
        return this;
    }

    /** The key to keep with a new flow: this one if it is a stored key already, else a copy that holds the client. */
    FlowKey stored() {
        if (client != null) {
            return this;
        }
        FlowKey copy = new FlowKey();
        copy.v6 = v6;
        copy.high = high;
        copy.low = low;
        copy.scopeId = scopeId;
        copy.port = port;
        copy.servicePort = servicePort;
        copy.client = new InetSocketAddress(address(), port);
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
        memory.set(NETWORK_SHORT, offset + 2, (short) port);
        if (v6) {
            memory.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) SocketCalls.AF_INET6);
            memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 4, 0);
            memory.set(NETWORK_LONG, offset + 8, high);
            memory.set(NETWORK_LONG, offset + 16, low);
            memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 24, scopeId);
            return 28;
        }
        memory.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) SocketCalls.AF_INET);
        memory.set(NETWORK_INT, offset + 4, (int) low);
        memory.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, 0L);
        return 16;
    }

    private InetAddress address() {
        byte[] raw = new byte[v6 ? 16 : 4];
        if (v6) {
            put(raw, 0, high, 8);
            put(raw, 8, low, 8);
        } else {
            put(raw, 0, low, 4);
        }
        try {
            return v6 && scopeId != 0 ? Inet6Address.getByAddress(null, raw, scopeId) : InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }

    private static long bits(byte[] raw, int from, int count) {
        long bits = 0;
        for (int i = from; i < from + count; i++) {
            bits = bits << 8 | (raw[i] & 0xff);
        }
        return bits;
    }

    private static void put(byte[] raw, int from, long bits, int count) {
        for (int i = from + count - 1; i >= from; i--) {
            raw[i] = (byte) bits;
            bits >>>= 8;
        }
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
        return (client != null ? client.toString() : "/" + address().getHostAddress() + ":" + port) + " -> port " + servicePort;
    }
}
