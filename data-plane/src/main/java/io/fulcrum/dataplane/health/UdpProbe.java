package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.fulcrum.dataplane.proxy.SocketFamily;
import io.fulcrum.dataplane.proxy.udp.UdpErrors;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * keepalived's UDP_CHECK: one datagram ({@code send}) to the real server's UDP port from a connected
 * socket; up when a reply (containing {@code expect}, if set) arrives within the timeout. ICMP port
 * unreachable is conclusive: nothing listens there, down at once.
 */
final class UdpProbe implements HealthProbe {
    private static final int SHOWN_REPLY_CHARS = 40;

    @Override
    public Future<ProbeResult> check(EventLoop loop, InetSocketAddress target, HealthCheckConfig config) {
        Promise<ProbeResult> result = loop.newPromise();
        long timeoutMillis = config.timeout().toMillis();
        EpollDatagramChannel channel;
        try {
            channel = new EpollDatagramChannel(SocketFamily.of(target.getAddress()));
        } catch (io.netty.channel.ChannelException noSocket) {
            return result.setSuccess(ProbeResult.local("cannot open a UDP socket: " + LocalFailure.rootMessage(noSocket)));
        }
        channel.pipeline().addLast(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
                String reply = packet.content().toString(StandardCharsets.ISO_8859_1);
                if (config.udpExpect().isEmpty() || reply.contains(config.udpExpect())) {
                    result.trySuccess(ProbeResult.passed("reply of " + packet.content().readableBytes() + " bytes"));
                } else {
                    result.trySuccess(ProbeResult.failed("reply without \"" + config.udpExpect() + "\": \""
                            + shown(reply) + "\""));
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                result.trySuccess(UdpErrors.unreachable(cause)
                        ? ProbeResult.refused("ICMP port unreachable") : ProbeResult.failed(String.valueOf(cause.getMessage())));
            }
        });
        ScheduledFuture<?> deadline = loop.schedule(
                () -> result.trySuccess(ProbeResult.failed("no reply within " + timeoutMillis + "ms")),
                timeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(done -> {
            deadline.cancel(false);
            channel.close();
        });
        loop.register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                result.trySuccess(ProbeResult.local("cannot register a UDP socket: " + registered.cause().getMessage()));
                return;
            }
            channel.connect(target).addListener((ChannelFuture connected) -> {
                if (!connected.isSuccess()) {
                    result.trySuccess(HealthProbe.connectFailure(connected.cause(), timeoutMillis));
                    return;
                }
                channel.writeAndFlush(Unpooled.copiedBuffer(config.udpSend(), StandardCharsets.US_ASCII));
            });
        });
        return result;
    }

    private static String shown(String reply) {
        StringBuilder out = new StringBuilder();
        reply.chars().limit(SHOWN_REPLY_CHARS).forEach(c -> out.append(c >= 0x20 && c < 0x7f ? (char) c : '.'));
        return reply.length() > SHOWN_REPLY_CHARS ? out + "..." : out.toString();
    }
}
