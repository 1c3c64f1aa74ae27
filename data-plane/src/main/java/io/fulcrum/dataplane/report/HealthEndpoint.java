package io.fulcrum.dataplane.report;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fulcrum.dataplane.config.DurationText;
import io.fulcrum.dataplane.runtime.ServingState;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * The node's own small HTTP port (--health-listen, loopback by default): GET /health answers 200
 * while the node can carry its traffic and 503 otherwise, with the reason as text; GET /metrics gives
 * the node's metrics to Prometheus ({@link PrometheusText}). /health is the track
 * script of a floating address (deploy/keepalived): a node that has no configuration, lost a
 * listener or is draining gives its addresses up to its peer. Four threads, and a request must
 * arrive within 2 s; nothing else is served.
 * <p>
 * {@code GET /health?wait=700ms} (at most {@link #MAX_WAIT}) holds a serving node's answer for that
 * long and answers 503 the moment the node stops serving: keepalived runs its track script at most
 * once a second, and a script that waits on this sees a stop, a lost listener or the process's death
 * (its connection closes) at once instead of at its next run. At most {@link #WAITERS} requests wait
 * at once; more are answered at once, so /metrics and a second script always find a thread.
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
    /** The longest {@code wait}: within the 2 s the JDK's server gives a response (maxRspTime) with room to spare. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(1);
    static final int WAITERS = 2;
    /** How often a waiting answer looks at the node's state; a stop is reported within this. */
    static final Duration RECHECK = Duration.ofMillis(10);
    private final Semaphore waiters = new Semaphore(WAITERS);
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
        server.createContext("/", exchange -> answer(exchange, state, metrics, waiters));
        server.setExecutor(thread);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Requests to /health waiting for a change now. */
    public int waitingRequests() {
        return WAITERS - waiters.availablePermits();
    }

    private static void answer(HttpExchange exchange, Supplier<ServingState> state, Supplier<String> metrics,
                               Semaphore waiters) throws IOException {
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
                Duration wait;
                try {
                    wait = waitOf(exchange.getRequestURI().getRawQuery());
                } catch (IllegalArgumentException | ArithmeticException e) {
                    wait = null;
                }
                if (wait == null) {
                    status = 400;
                    body = "bad query: /health takes only wait=DURATION (0ms.." + DurationText.format(MAX_WAIT.toMillis())
                            + ", e.g. 700ms)\n";
                } else {
                    ServingState now = awaitChange(state, wait, waiters);
                    status = now.serving() ? 200 : 503;
                    body = now.reason() + "\n";
                }
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

    /** The {@code wait} of a /health query: none is zero; anything but one bounded wait=DURATION is refused. */
    static Duration waitOf(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Duration.ZERO;
        }
        if (!rawQuery.startsWith("wait=") || rawQuery.length() > "wait=".length() + 12) {
            throw new IllegalArgumentException("query " + rawQuery);
        }
        Duration wait = DurationText.parse(rawQuery.substring("wait=".length()));
        if (wait.compareTo(MAX_WAIT) > 0) {
            throw new IllegalArgumentException("wait " + rawQuery + " above " + MAX_WAIT);
        }
        return wait;
    }

    /**
     * The node's state once it stops serving or {@code wait} has passed, whichever comes first; a node
     * not serving is answered at once, and so is every request beyond {@link #WAITERS} waiting ones.
     */
    private static ServingState awaitChange(Supplier<ServingState> state, Duration wait, Semaphore waiters) {
        ServingState now = state.get();
        if (!now.serving() || wait.isZero() || !waiters.tryAcquire()) {
            return now;
        }
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            long left;
            while (now.serving() && (left = deadline - System.nanoTime()) > 0) {
                Thread.sleep(Math.min(RECHECK.toMillis(), Math.max(1, left / 1_000_000)));
                now = state.get();
            }
            return now;
        } catch (InterruptedException e) {
            // The endpoint is closing: no answer may read as serving.
            Thread.currentThread().interrupt();
            return new ServingState(false, "health endpoint closing");
        } finally {
            waiters.release();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
