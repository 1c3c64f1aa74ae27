package io.fulcrum.dataplane.health;

import io.fulcrum.dataplane.config.HealthCheckConfig;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.InetSocketAddress;

/** One kind of health check; completes its future with a result, never with a failure. */
interface HealthProbe {
    Future<ProbeResult> check(EventLoop loop, InetSocketAddress target, HealthCheckConfig config);

    /** A failed connect: the server's failure, or the node's own (no descriptors, buffers or ports). */
    static ProbeResult connectFailure(Throwable cause, long timeoutMillis) {
        return LocalFailure.is(cause) ? ProbeResult.local(LocalFailure.rootMessage(cause))
                : ProbeResult.failed(describe(cause, timeoutMillis));
    }

    /** Turns a connect failure into a reason an operator understands. */
    static String describe(Throwable cause, long timeoutMillis) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "timeout after " + timeoutMillis + "ms";
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("refused")) {
            return "connect refused";
        }
        if (message.contains("unreachable")) {
            return "network unreachable";
        }
        return message;
    }
}
