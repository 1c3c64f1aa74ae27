package io.fulcrum.dataplane.proxy.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;

import java.lang.System.Logger.Level;

/**
 * Copies what one channel reads to its peer. Once the pair is joined both sides read on their own
 * (AUTO_READ), which costs no epoll re-arming per message; reading pauses when a flush leaves the
 * peer unwritable and resumes when its writability comes back, so a slow reader on one side never
 * makes the proxy buffer without bound.
 */
class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(RelayHandler.class.getName());

    protected ProxiedConnection connection;

    RelayHandler(ProxiedConnection connection) {
        this.connection = connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel peer = connection == null ? null : connection.peerOf(ctx.channel());
        if (peer == null || !peer.isActive() || connection.discardingInput()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf buf) {
            connection.countRead(ctx.channel(), buf.readableBytes());
        }
        // A failed write surfaces as exceptionCaught on the peer, which closes the pair.
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = connection == null ? null : connection.peerOf(ctx.channel());
        if (peer == null || connection.discardingInput()) {
            return;
        }
        if (connection.spliced()) {
            // Splice writes and paces reads itself; only the counters need the news.
            connection.splicedReadComplete(ctx.channel());
            return;
        }
        connection.activity();
        peer.flush();
        if (!peer.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel peer = connection == null ? null : connection.peerOf(ctx.channel());
        if (peer != null && !connection.spliced() && ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (connection != null) {
                connection.inputShutdown(ctx.channel());
            } else {
                ctx.close();
            }
        } else if (evt instanceof LiveConnections.FinishConnection finish) {
            if (connection != null) {
                connection.finish(finish.linger());
            } else {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.ended(ctx.channel());
        } else {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.DEBUG, "closing connection {0}: {1}", ctx.channel(), cause.toString());
        closePair(ctx);
    }

    private void closePair(ChannelHandlerContext ctx) {
        if (connection != null) {
            connection.close();
        } else {
            ctx.close();
        }
    }
}
