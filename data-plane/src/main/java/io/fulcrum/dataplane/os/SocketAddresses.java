package io.fulcrum.dataplane.os;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** sockaddr_in and sockaddr_in6 in native memory (Linux layout: family in host order, port in network order). */
public final class SocketAddresses {
    /** Room for either form. */
    public static final int MAX_SIZE = 28;
    private static final ValueLayout.OfShort NETWORK_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SocketAddresses() {
    }

    /** Writes {@code address:port} at {@code offset}; returns its size (16 or 28). */
    public static int write(MemorySegment memory, long offset, InetAddress address, int port) {
        if (address instanceof Inet4Address) {
            memory.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) SocketCalls.AF_INET);
            memory.set(NETWORK_SHORT, offset + 2, (short) port);
            MemorySegment.copy(address.getAddress(), 0, memory, ValueLayout.JAVA_BYTE, offset + 4, 4);
            memory.set(ValueLayout.JAVA_LONG_UNALIGNED, offset + 8, 0L);
            return 16;
        }
        Inet6Address v6 = (Inet6Address) address;
        memory.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) SocketCalls.AF_INET6);
        memory.set(NETWORK_SHORT, offset + 2, (short) port);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 4, 0);
        MemorySegment.copy(v6.getAddress(), 0, memory, ValueLayout.JAVA_BYTE, offset + 8, 16);
        memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset + 24, v6.getScopeId());
        return 28;
    }

    /** The address of the sockaddr at {@code offset}. */
    public static InetAddress address(MemorySegment memory, long offset) {
        byte[] raw;
        if (memory.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset) == SocketCalls.AF_INET6) {
            raw = new byte[16];
            MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, offset + 8, raw, 0, 16);
        } else {
            raw = new byte[4];
            MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, offset + 4, raw, 0, 4);
        }
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }

    /** The port of the sockaddr at {@code offset}. */
    public static int port(MemorySegment memory, long offset) {
        return Short.toUnsignedInt(memory.get(NETWORK_SHORT, offset + 2));
    }
}
