package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DatagramCoalescerTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.100.1", 40000);
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final DatagramCoalescer coalescer = new DatagramCoalescer();
    private final ServiceCounters counters = new ServiceCounters();
    private final List<ByteBuf> added = new ArrayList<>();

    @BeforeEach
    void needsSegmentationOffload() {
        assumeTrue(DatagramCoalescer.gsoEnabled(), "UDP_SEGMENT not available on this kernel");
    }

    @Test
    void equalSizedDatagramsLeaveAsOneSegmentedSendInOrder() {
        add("aaaa", "bbbb", "cccc", "dd");
        assertEquals(4, coalescer.writeTo(channel, CLIENT, counters));
        channel.flush();
        SegmentedDatagramPacket sent = assertInstanceOf(SegmentedDatagramPacket.class, channel.readOutbound());
        assertEquals(4, sent.segmentSize());
        assertEquals("aaaabbbbccccdd", text(sent.content()));
        assertEquals(CLIENT, sent.recipient());
        sent.release();
        assertTrue(coalescer.isEmpty());
        assertAllReleased();
    }

    @Test
    void aLargerDatagramStartsANewRunAndAShorterOneEndsIt() {
        add("aa", "bb", "ccc", "d", "ee", "ff");
        coalescer.writeTo(channel, CLIENT, counters);
        // "d" ends the run of "ccc" as its shorter last segment; "ee" cannot follow it.
        assertEquals(List.of("aabb/2", "cccd/3", "eeff/2"), drain());
        assertAllReleased();
    }

    @Test
    void aSingleOrEmptyDatagramIsSentAsItIs() {
        add("only");
        coalescer.writeTo(channel, CLIENT, counters);
        add("", "");
        coalescer.writeTo(channel, CLIENT, counters);
        assertEquals(List.of("only", "", ""), drain());
    }

    @Test
    void aRunStopsAtTheKernelsSegmentLimit() {
        for (int i = 0; i < 70; i++) {
            add("x");
        }
        coalescer.writeTo(channel, CLIENT, counters);
        assertEquals(List.of("x".repeat(64) + "/1", "x".repeat(6) + "/1"), drain());
    }

    @Test
    void datagramsLargerThanAnyPathMtuAllowsAreSentOneByOne() {
        String big = "b".repeat(DatagramCoalescer.MAX_SEGMENT_SIZE + 1);
        add(big, big);
        coalescer.writeTo(channel, CLIENT, counters);
        assertEquals(List.of(big, big), drain());
    }

    @Test
    void discardReleasesWhatWasQueued() {
        add("aa", "bb");
        coalescer.discard();
        assertTrue(coalescer.isEmpty());
        assertAllReleased();
        assertFalse(channel.finish());
    }

    private void add(String... payloads) {
        for (String payload : payloads) {
            ByteBuf buf = Unpooled.copiedBuffer(payload, StandardCharsets.US_ASCII);
            added.add(buf);
            coalescer.add(buf);
        }
    }

    // Each sent packet as its text, with "/segment size" for segmented sends.
    private List<String> drain() {
        channel.flush();
        List<String> sent = new ArrayList<>();
        Object message;
        while ((message = channel.readOutbound()) != null) {
            DatagramPacket packet = (DatagramPacket) message;
            String text = text(packet.content());
            sent.add(packet instanceof SegmentedDatagramPacket segmented ? text + "/" + segmented.segmentSize() : text);
            packet.release();
        }
        return sent;
    }

    private void assertAllReleased() {
        for (ByteBuf buf : added) {
            assertEquals(0, buf.refCnt(), "every queued payload released once written or discarded");
        }
    }

    private static String text(ByteBuf buf) {
        return buf.toString(StandardCharsets.US_ASCII);
    }
}
