package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.os.SocketAddresses;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class FlowKeyTest {
    private final MemorySegment memory = Arena.ofAuto().allocate(64, 8);

    @Test
    void aSenderReadFromItsSockaddrFindsTheFlowKeptUnderItsJavaAddress() throws Exception {
        for (InetSocketAddress client : new InetSocketAddress[] {
                new InetSocketAddress(InetAddress.getByName("198.18.0.7"), 40_001),
                new InetSocketAddress(InetAddress.getByName("255.255.255.254"), 65_535),
                new InetSocketAddress(InetAddress.getByName("2001:db8::ff:1"), 1),
                new InetSocketAddress(Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3), 53)}) {
            FlowKey kept = new FlowKey(client, 443);
            Map<FlowKey, String> flows = new HashMap<>(Map.of(kept, "flow"));
            SocketAddresses.write(memory, 0, client.getAddress(), client.getPort());
            FlowKey lookup = FlowKey.lookup().readSender(memory, 0, 443);

            assertEquals(kept, lookup, client.toString());
            assertEquals(kept.hashCode(), lookup.hashCode(), client.toString());
            assertEquals("flow", flows.get(lookup), client.toString());
            assertNull(lookup.client(), "a lookup key holds no address object");
            assertNotEquals(kept, FlowKey.lookup().readSender(memory, 0, 444), "another service port is another flow");

            FlowKey stored = lookup.stored();
            assertEquals(client, stored.client());
            assertEquals(kept, stored);
            assertSame(kept, kept.stored(), "a stored key is kept as it is");
        }
    }

    @Test
    void aStoredKeyIsNotChangedWhenItsLookupKeyReadsTheNextSender() throws Exception {
        FlowKey lookup = FlowKey.lookup();
        SocketAddresses.write(memory, 0, InetAddress.getByName("198.18.0.1"), 1000);
        FlowKey first = lookup.readSender(memory, 0, 53).stored();
        SocketAddresses.write(memory, 0, InetAddress.getByName("198.18.0.2"), 2000);
        lookup.readSender(memory, 0, 53);

        assertEquals(new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 1000), first.client());
        assertNotEquals(first, lookup);
    }

    @Test
    void repliesGoToTheClientsOwnSockaddr() throws Exception {
        for (InetSocketAddress client : new InetSocketAddress[] {
                new InetSocketAddress(InetAddress.getByName("198.19.255.255"), 5353),
                new InetSocketAddress(Inet6Address.getByAddress(null, InetAddress.getByName("fe80::2").getAddress(), 7), 9)}) {
            int size = new FlowKey(client, 53).writeClient(memory, 0);
            MemorySegment expected = Arena.ofAuto().allocate(64, 8);
            int expectedSize = SocketAddresses.write(expected, 0, client.getAddress(), client.getPort());

            assertEquals(expectedSize, size);
            assertEquals(-1L, memory.asSlice(0, size).mismatch(expected.asSlice(0, size)), client.toString());
        }
    }
}
