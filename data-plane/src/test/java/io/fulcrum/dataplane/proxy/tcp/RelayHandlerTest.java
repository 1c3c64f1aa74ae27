package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayHandlerTest {
    private final ServiceCounters counters = new ServiceCounters();
    private final RealServer server = new RealServer(
            TestConfigs.online("rs1", InetAddress.getLoopbackAddress(), 80));
    private EmbeddedChannel frontend;
    private EmbeddedChannel backend;
    private ProxiedConnection connection;

    @BeforeEach
    void pair() {
        frontend = new EmbeddedChannel();
        connection = new ProxiedConnection(frontend, counters, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
        frontend.pipeline().addLast(new RelayHandler(connection));
        backend = new EmbeddedChannel(new BackendHandler(connection));
        assertTrue(server.tryReserve());
        connection.attach(backend, server, null);
    }

    @Test
    void bytesFlowBothWaysAndAreCountedOnServiceAndRealServer() {
        frontend.writeInbound(text("hello"));
        assertEquals("hello", read(backend.readOutbound()));
        backend.writeInbound(text("hi!"));
        assertEquals("hi!", read(frontend.readOutbound()));
        assertEquals(5, counters.bytesIn());
        assertEquals(3, counters.bytesOut());
        assertEquals(5, server.bytesIn());
        assertEquals(3, server.bytesOut());
    }

    @Test
    void closingEitherSideClosesThePairAndCountsItExactlyOnce() {
        assertEquals(1, counters.active());
        backend.close();
        assertFalse(frontend.isOpen());
        frontend.close();
        connection.close();
        assertEquals(0, counters.active());
        assertEquals(0, server.activeConnections());
    }

    @Test
    void pairClosesOnlyWhenBothSidesFinished() {
        frontend.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertTrue(backend.isOpen(), "the real server may still answer");
        backend.writeInbound(text("late answer"));
        assertEquals("late answer", read(frontend.readOutbound()));
        backend.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertFalse(frontend.isOpen());
        assertFalse(backend.isOpen());
        assertEquals(0, counters.active());
    }

    @Test
    void dataForAPeerThatIsGoneIsReleased() {
        EmbeddedChannel lonely = new EmbeddedChannel();
        ProxiedConnection unattached = new ProxiedConnection(lonely, counters, Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1));
        lonely.pipeline().addLast(new RelayHandler(unattached));
        ByteBuf data = text("nobody listens");
        lonely.writeInbound(data);
        assertEquals(0, data.refCnt());
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    private static String read(Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            return buf.toString(StandardCharsets.UTF_8);
        } finally {
            buf.release();
        }
    }
}
