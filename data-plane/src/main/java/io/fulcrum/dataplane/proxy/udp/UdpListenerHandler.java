package io.fulcrum.dataplane.proxy.udp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads client datagrams from one service socket and sends each through its flow's upstream,
 * flushing every touched upstream once per read batch. A bad datagram is dropped and counted;
 * the shared socket is never closed because of one.
 */
final class UdpListenerHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(UdpListenerHandler.class.getName());

    private final FlowTable table;
    private final List<FlowUpstream> pendingFlush = new ArrayList<>();

    UdpListenerHandler(FlowTable table) {
        this.table = table;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            ByteBuf content = packet.content();
            int size = content.readableBytes();
            if (DatagramLimits.oversized(size)) {
                table.counters().datagramDropped();
                return;
            }
            UdpFlow flow = table.route(new FlowKey(packet.sender(), packet.recipient().getPort()), ctx.channel());
            if (flow == null) {
                table.counters().datagramDropped();
                return;
            }
            FlowUpstream upstream = flow.upstream();
            if (!send(upstream, content.retain())) {
                table.counters().datagramDropped();
                return;
            }
            table.counters().datagramIn(size);
            flow.server().datagramIn(size);
            if (!pendingFlush.contains(upstream)) {
                pendingFlush.add(upstream);
            }
        } catch (RuntimeException e) {
            table.counters().datagramDropped();
            LOG.log(Level.DEBUG, "datagram from {0} dropped: {1}", packet.sender(), e.toString());
        } finally {
            packet.release();
        }
    }

    // The upstream owns the payload once it accepted it; if it threw instead, the payload is still ours.
    private static boolean send(FlowUpstream upstream, ByteBuf payload) {
        try {
            return upstream.send(payload);
        } catch (RuntimeException e) {
            payload.release();
            throw e;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        for (FlowUpstream upstream : pendingFlush) {
            upstream.flush();
        }
        pendingFlush.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        table.counters().datagramDropped();
        LOG.log(Level.DEBUG, "service socket {0}: {1}", ctx.channel().localAddress(), cause.toString());
    }
}
