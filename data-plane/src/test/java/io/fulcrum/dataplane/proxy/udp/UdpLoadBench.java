package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.config.HealthCheckType;
import io.fulcrum.dataplane.config.Snapshot;
import io.fulcrum.dataplane.config.TestConfigs;
import io.fulcrum.dataplane.runtime.DataPlaneRuntime;
import io.fulcrum.dataplane.testing.FreePorts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.socket.DatagramPacket;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A manual UDP throughput measurement on loopback, not part of the test suite: closed-loop echo
 * round trips of 100-byte datagrams from {@code flows} client sockets with {@code window}
 * datagrams in flight each, either straight to an echo server or through a node's UDP service.
 * Usage: {@code UdpLoadBench direct|node flows window seconds [ioThreads]}; bounded by seconds.
 */
public final class UdpLoadBench {
    private static final int SIZE = 100;

    private UdpLoadBench() {
    }

    public static void main(String[] args) throws Exception {
        boolean direct = args[0].equals("direct");
        int flows = Integer.parseInt(args[1]);
        int window = Integer.parseInt(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int ioThreads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        EventLoopGroup echoGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup nodeGroup = new MultiThreadIoEventLoopGroup(ioThreads, EpollIoHandler.newFactory());
        DataPlaneRuntime runtime = new DataPlaneRuntime(nodeGroup, (server, transition) -> { },
                System::currentTimeMillis);
        try {
            Channel echo = socket(echoGroup, new InetSocketAddress("127.0.0.21", 0), null, null, 0);
            InetSocketAddress target = (InetSocketAddress) echo.localAddress();
            if (!direct) {
                int port = FreePorts.next();
                runtime.apply(new Snapshot(1, List.of(TestConfigs.udp("bench", InetAddress.getByName("127.0.0.1"),
                        List.of(port), List.of(TestConfigs.online("echo", target.getAddress(), target.getPort())))
                        .withHealthCheck(TestConfigs.connectCheck().withType(HealthCheckType.NONE)))));
                target = new InetSocketAddress("127.0.0.1", port);
            }
            LongAdder replies = new LongAdder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Channel> clients = new ArrayList<>();
            for (int i = 0; i < flows; i++) {
                clients.add(socket(clientGroup, new InetSocketAddress("127.0.0.5", 0), target, replies, deadline));
            }
            for (Channel client : clients) {
                InetSocketAddress to = target;
                client.eventLoop().execute(() -> {
                    for (int w = 0; w < window; w++) {
                        client.write(new DatagramPacket(Unpooled.directBuffer(SIZE).writeZero(SIZE), to),
                                client.voidPromise());
                    }
                    client.flush();
                });
            }
            // The first second warms up the JIT and is not counted.
            Thread.sleep(1000);
            long countedFrom = replies.sum();
            long startedAt = System.nanoTime();
            Thread.sleep(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - startedAt)));
            double rate = (replies.sum() - countedFrom) / ((System.nanoTime() - startedAt) / 1e9);
            System.out.printf("%s flows=%d window=%d: %.0f round trips/s%n", direct ? "direct" : "node", flows,
                    window, rate);
            if (!direct) {
                System.out.println("node: " + runtime.status().virtualServices().get(0).datagrams());
            }
        } finally {
            runtime.close();
            for (EventLoopGroup group : List.of(clientGroup, nodeGroup, echoGroup)) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }

    // With a peer: a client that sends the next datagram for every reply until the deadline.
    // Without: an echo server.
    private static Channel socket(EventLoopGroup group, InetSocketAddress local, InetSocketAddress peer,
                                  LongAdder replies, long deadline) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollDatagramChannel.class)
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 2048)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048 * 16))
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        DatagramPacket packet = (DatagramPacket) msg;
                        if (peer == null) {
                            ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
                            return;
                        }
                        replies.increment();
                        if (System.nanoTime() < deadline) {
                            ctx.write(new DatagramPacket(packet.content(), peer), ctx.voidPromise());
                        } else {
                            packet.release();
                        }
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        ctx.flush();
                    }
                }).bind(local).sync().channel();
    }
}
