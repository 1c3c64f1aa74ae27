package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.fulcrum.dataplane.testing.FixedService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static io.fulcrum.dataplane.testing.RuntimeFixture.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UdpListenerHandlerTest {
    private final ServiceCounters counters = new ServiceCounters();
    private final RealServerSelector selector = new RealServerSelector(System::currentTimeMillis);
    private final List<ByteBuf> sent = new ArrayList<>();
    private final int[] flushes = {0};
    private boolean failSends;

    private final ProxiedService service = new FixedService(
            TestConfigs.udp("udp", ip("127.0.0.1"), List.of(53), List.of()), selector, counters);

    private final FlowTable table = new FlowTable(service, (t, flow, target) -> new FlowUpstream() {
        @Override
        public boolean send(ByteBuf payload) {
            if (failSends) {
                throw new IllegalStateException("socket broke");
            }
            sent.add(payload);
            return true;
        }

        @Override
        public void flush() {
            flushes[0]++;
        }

        @Override
        public void close() {
        }
    }, System::currentTimeMillis);

    @Test
    void aBatchIsFlushedOncePerUpstreamAndEveryBufferReleased() {
        selector.update(List.of(new RealServer(TestConfigs.online("a", ip("127.0.0.21"), 53))),
                Algorithm.WEIGHTED_ROUND_ROBIN, TestConfigs.noPersistence());
        EmbeddedChannel channel = new EmbeddedChannel(new UdpListenerHandler(table));
        List<DatagramPacket> packets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            packets.add(packet(10));
            channel.pipeline().fireChannelRead(packets.get(i));
        }
        channel.pipeline().fireChannelReadComplete();
        assertEquals(1, flushes[0]);
        assertEquals(3, sent.size());
        assertEquals(3, counters.datagramsIn());
        packets.forEach(p -> assertEquals(1, p.refCnt(), "only the forwarded copy holds the buffer"));
        sent.forEach(ByteBuf::release);
        packets.forEach(p -> assertEquals(0, p.refCnt()));
    }

    @Test
    void oversizedFailingAndUnroutableDatagramsAreDroppedReleasedAndCountedWithoutClosingTheSocket() {
        EmbeddedChannel channel = new EmbeddedChannel(new UdpListenerHandler(table));
        DatagramPacket unroutable = packet(10);
        channel.writeInbound(unroutable);
        assertEquals(1, counters.droppedDatagrams(), "no real server");
        selector.update(List.of(new RealServer(TestConfigs.online("a", ip("127.0.0.21"), 53))),
                Algorithm.WEIGHTED_ROUND_ROBIN, TestConfigs.noPersistence());
        DatagramPacket oversized = packet(DatagramLimits.MAX_DATAGRAM_SIZE + 1);
        channel.writeInbound(oversized);
        assertEquals(2, counters.droppedDatagrams(), "oversized");
        failSends = true;
        DatagramPacket failing = packet(10);
        channel.writeInbound(failing);
        assertEquals(3, counters.droppedDatagrams(), "send failed");
        channel.pipeline().fireExceptionCaught(new IllegalStateException("read error"));
        assertTrue(channel.isOpen());
        assertEquals(0, unroutable.refCnt());
        assertEquals(0, oversized.refCnt());
        assertEquals(0, failing.refCnt());
        assertEquals(4, counters.droppedDatagrams());
        assertEquals(0, counters.datagramsIn());
    }

    private static DatagramPacket packet(int size) {
        return new DatagramPacket(Unpooled.buffer(size).writeZero(size), new InetSocketAddress("127.0.0.1", 53),
                new InetSocketAddress("127.0.0.5", 40000));
    }
}
