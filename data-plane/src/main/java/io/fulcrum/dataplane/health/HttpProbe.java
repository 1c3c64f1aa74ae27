package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** An HTTP/1.0 GET of the configured path; passes when the status is in the expected range. */
final class HttpProbe implements HealthProbe {
    private static final int MAX_STATUS_LINE = 1024;

    @Override
    public Future<ProbeResult> check(EventLoop loop, InetSocketAddress target, HealthCheckConfig config) {
        Promise<ProbeResult> result = loop.newPromise();
        long timeoutMillis = config.timeout().toMillis();
        StatusLineReader reader = new StatusLineReader(result, config);
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(reader)
                .connect(target);
        // One deadline covers connect, request and response.
        var deadline = loop.schedule(() -> {
            if (result.trySuccess(ProbeResult.failed("timeout after " + timeoutMillis + "ms"))) {
                connect.channel().close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(done -> deadline.cancel(false));
        connect.addListener((ChannelFuture future) -> {
            if (!future.isSuccess()) {
                result.trySuccess(HealthProbe.connectFailure(future.cause(), timeoutMillis));
                return;
            }
            String request = "GET " + config.httpPath() + " HTTP/1.0\r\nHost: "
                    + target.getAddress().getHostAddress() + "\r\nConnection: close\r\n\r\n";
            future.channel().writeAndFlush(Unpooled.copiedBuffer(request, StandardCharsets.US_ASCII));
        });
        return result;
    }

    /** Reads just the status line, then closes. */
    private static final class StatusLineReader extends ChannelInboundHandlerAdapter {
        private final Promise<ProbeResult> result;
        private final HealthCheckConfig config;
        private final StringBuilder line = new StringBuilder();

        StatusLineReader(Promise<ProbeResult> result, HealthCheckConfig config) {
            this.result = result;
            this.config = config;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (buf.isReadable() && line.length() < MAX_STATUS_LINE) {
                    char c = (char) buf.readByte();
                    if (c == '\n') {
                        finish(ctx.channel(), evaluate(line.toString().trim()));
                        return;
                    }
                    line.append(c);
                }
                if (line.length() >= MAX_STATUS_LINE) {
                    finish(ctx.channel(), ProbeResult.failed("invalid HTTP response"));
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.trySuccess(ProbeResult.failed("connection closed before a response"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(ctx.channel(), ProbeResult.failed(String.valueOf(cause.getMessage())));
        }

        private void finish(Channel channel, ProbeResult outcome) {
            result.trySuccess(outcome);
            channel.close();
        }

        private ProbeResult evaluate(String statusLine) {
            String[] parts = statusLine.split(" ");
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                return ProbeResult.failed("invalid HTTP response");
            }
            try {
                int status = Integer.parseInt(parts[1]);
                int min = config.expectedStatusMin();
                int max = config.expectedStatusMax();
                return status >= min && status <= max
                        ? ProbeResult.passed("HTTP " + status)
                        : ProbeResult.failed("HTTP " + status + " (expected " + min + ".." + max + ")");
            } catch (NumberFormatException e) {
                return ProbeResult.failed("invalid HTTP response");
            }
        }
    }
}
