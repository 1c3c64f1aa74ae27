package io.fulcrum.dataplane.proxy.udp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** A socket that never reads and a burst that overflows its buffer: the kernel's drop count shows it. */
class KernelDropsTest {

    @Test
    void datagramsDroppedOnAFullReceiveBufferAreCountedBySocket() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            EpollDatagramChannel receiver = (EpollDatagramChannel) new Bootstrap().group(group)
                    .channel(EpollDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, 4096)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            long inode = KernelDrops.inode(receiver.fd().intValue()).orElseThrow();
            try (DatagramChannel sender = DatagramChannel.open()) {
                InetSocketAddress target = (InetSocketAddress) receiver.localAddress();
                for (int i = 0; i < 500; i++) {
                    sender.send(ByteBuffer.wrap(new byte[1000]), target);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (KernelDrops.byInode().getOrDefault(inode, 0L) < 400) {
                if (System.nanoTime() > deadline) {
                    fail("drops of socket " + inode + ": " + KernelDrops.byInode().get(inode));
                }
                Thread.onSpinWait();
            }
            receiver.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aTableLineIsReadByItsColumns() {
        Map<Long, Long> drops = new HashMap<>();
        KernelDrops.parse("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops", drops);
        KernelDrops.parse(" 1279: 0100007F:D431 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4242 2 0000000000000000 17", drops);
        KernelDrops.parse(" 1280: 0100007F:D432 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 4243 2 0000000000000000 0", drops);
        assertEquals(Map.of(4242L, 17L), drops);
        assertTrue(drops.get(4242L) > 0);
    }
}
