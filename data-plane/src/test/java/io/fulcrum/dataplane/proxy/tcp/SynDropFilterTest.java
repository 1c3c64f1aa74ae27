package io.fulcrum.dataplane.proxy.tcp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A quiesced listener: a new connection neither completes nor is refused (its SYN is dropped, so the
 * client would retry), a connection accepted before goes on, and once the listener closes a new one
 * is refused as usual.
 */
class SynDropFilterTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aQuiescedListenerDropsNewConnectionsAndKeepsAcceptedOnes() throws Exception {
        EpollServerSocketChannel listener = (EpollServerSocketChannel) new ServerBootstrap()
                .group(group)
                .channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext context, Object message) {
                        context.writeAndFlush(message);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        try (Socket before = new Socket()) {
            before.connect(address, 1_000);
            before.setSoTimeout(2_000);

            SynDropFilter.attach(listener.fd().intValue());

            try (Socket after = new Socket()) {
                assertThrows(SocketTimeoutException.class, () -> after.connect(address, 500),
                        "a new connection is neither accepted nor refused");
            }
            assertEquals('x', echo(before, 'x'), "the connection accepted before goes on");
            listener.close().sync();
            try (Socket closed = new Socket()) {
                assertThrows(ConnectException.class, () -> closed.connect(address, 1_000), "refused once closed");
            }
            assertEquals('y', echo(before, 'y'), "and still goes on");
        }
    }

    private static int echo(Socket socket, char c) throws IOException {
        socket.getOutputStream().write(c);
        return socket.getInputStream().read();
    }
}
