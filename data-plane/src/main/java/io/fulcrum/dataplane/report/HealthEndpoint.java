package io.fulcrum.dataplane.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fulcrum.dataplane.runtime.ServingState;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The node's own small HTTP port (--health-listen, loopback by default): GET /health answers 200
 * while the node can carry its traffic and 503 otherwise, with the reason as text; GET /metrics gives
 * the node's metrics to Prometheus ({@link PrometheusText}). /health is the track
 * script of a floating address (deploy/keepalived): a node that has no configuration, lost a
 * listener or is draining gives its addresses up to its peer. Four threads, and a request must
 * arrive within 2 s; nothing else is served.
 */
public final class HealthEndpoint implements AutoCloseable {
    private final HttpServer server;
    static {
        // A client that connects and sends nothing (or half a request) is cut off after 2 s rather
        // than holding a thread while keepalived's track script times out. Read when the JDK's HTTP
        // server is first used, so before any is created.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "2");
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", "2");
        }
    }

    private static final int THREADS = 4;
    private final ExecutorService thread = Executors.newFixedThreadPool(THREADS, runnable -> {
        Thread worker = new Thread(runnable, "fulcrum-health-endpoint");
        worker.setDaemon(true);
        return worker;
    });

    public HealthEndpoint(InetSocketAddress address, Supplier<ServingState> state) {
        this(address, state, () -> "");
    }

    /** Also serves {@code metrics} (Prometheus' text format) on GET /metrics. */
    public HealthEndpoint(InetSocketAddress address, Supplier<ServingState> state, Supplier<String> metrics) {
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + " for the health endpoint", e);
        }
        server.createContext("/", exchange -> answer(exchange, state, metrics));
        server.setExecutor(thread);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void answer(HttpExchange exchange, Supplier<ServingState> state, Supplier<String> metrics)
            throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            boolean get = "GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod());
            int status;
            String body;
            String contentType = "text/plain; charset=utf-8";
            if (!"/health".equals(path) && !"/metrics".equals(path)) {
                status = 404;
                body = "not found: GET /health and GET /metrics are all this port serves\n";
            } else if (!get) {
                status = 405;
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                body = "method not allowed\n";
            } else if ("/metrics".equals(path)) {
                status = 200;
                body = metrics.get();
                contentType = PrometheusText.CONTENT_TYPE;
            } else {
                ServingState now = state.get();
                status = now.serving() ? 200 : 503;
                body = now.reason() + "\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
