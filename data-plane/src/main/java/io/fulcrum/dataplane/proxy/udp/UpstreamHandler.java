package io.fulcrum.dataplane.proxy.udp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

import java.lang.System.Logger.Level;

/**
 * Relays a real server's replies to the flow's client through the service socket, so they come
 * from the address and port the client sent to. The replies of one read batch leave together: one
 * flush (sendmmsg), runs of equal-sized replies as one segmented send (see {@link DatagramCoalescer}).
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(UpstreamHandler.class.getName());

    private final FlowTable table;
    private final UdpFlow flow;
    private final DatagramCoalescer replies = new DatagramCoalescer();

    UpstreamHandler(FlowTable table, UdpFlow flow) {
        this.table = table;
        this.flow = flow;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DatagramPacket packet = (DatagramPacket) msg;
        try {
            int size = packet.content().readableBytes();
            Channel listener = flow.listener();
            if (DatagramLimits.oversized(size) || !listener.isActive() || !listener.isWritable()) {
                table.counters().datagramDropped();
                return;
            }
            flow.touch(table.nowMillis());
            flow.server().upstreamAnswered();
            replies.add(packet.content().retain());
            table.counters().datagramOut(size);
            flow.server().datagramOut(size);
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!replies.isEmpty()) {
            Channel listener = flow.listener();
            replies.writeTo(listener, flow.key().client(), table.counters());
            listener.flush();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        replies.discard();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // E.g. ICMP port unreachable from a real server that stopped: the datagram is lost, the flow is
        // not, and the real server may be (passive failure detection); its next datagram is re-pinned.
        table.counters().datagramDropped();
        if (UdpErrors.unreachable(cause)) {
            flow.server().upstreamFailed("ICMP port unreachable from " + ctx.channel().remoteAddress());
        }
        LOG.log(Level.DEBUG, "upstream of {0}: {1}", flow.key(), cause.toString());
    }
}
