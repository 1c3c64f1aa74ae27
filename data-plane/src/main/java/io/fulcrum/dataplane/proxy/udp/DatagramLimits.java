package io.fulcrum.dataplane.proxy.udp;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;

/**
 * Datagram size and batching settings shared by service and upstream sockets. Reads use recvmmsg
 * with slots one byte larger than the maximum, so a datagram that fills its slot was truncated by
 * the kernel: it is oversized and dropped, never forwarded cut short.
 */
final class DatagramLimits {
    /** Largest payload forwarded: a jumbo frame's. Larger datagrams are dropped and counted. */
    static final int MAX_DATAGRAM_SIZE = 9000;
    static final int SLOT_SIZE = MAX_DATAGRAM_SIZE + 1;
    /** Datagrams read by one recvmmsg call on a service socket, which carries many flows. */
    static final int SERVICE_BATCH = 16;
    /**
     * Datagrams read by one recvmmsg call on a flow's upstream socket. Small, because forwarded
     * datagrams are slices that keep their whole read buffer alive until written.
     */
    static final int UPSTREAM_BATCH = 4;

    private DatagramLimits() {
    }

    static boolean oversized(int size) {
        return size > MAX_DATAGRAM_SIZE;
    }

    static void configure(Channel channel, int batch, int lowWater, int highWater) {
        // A read buffer holds a whole batch of slots (up to 144 KiB): the pooled allocator recycles
        // such buffers, where the default adaptive one allocates and zeroes a fresh one per read.
        channel.config().setOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT);
        channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT_SIZE);
        channel.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(SLOT_SIZE * batch));
        channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(lowWater, highWater));
    }
}
