package io.fulcrum.testbed.e2e.harness;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A steady load of new short connections from a few client threads, bounded in count and time, recording
 * every attempt with its start and end so assertions can tell failures before and after an event.
 */
public final class ConnectionLoad implements AutoCloseable {

    /** One short connection: when it started and ended (System.nanoTime), who answered, or why it failed. */
    public record Attempt(long startNanos, long endNanos, String server, String error) {
        public boolean failed() {
            return error != null;
        }
    }

    private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    private ConnectionLoad() {
    }

    /**
     * Starts one thread per source address, each making at most maxPerThread connections and stopping
     * after maxMillis at the latest, whatever happens.
     */
    public static ConnectionLoad start(InetSocketAddress target, List<String> sourceAddresses, int maxPerThread,
                                       long maxMillis) {
        ConnectionLoad load = new ConnectionLoad();
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        for (String source : sourceAddresses) {
            Thread thread = new Thread(() -> load.run(target, source, maxPerThread, deadline), "load-" + source);
            thread.setDaemon(true);
            load.threads.add(thread);
            thread.start();
        }
        return load;
    }

    private void run(InetSocketAddress target, String source, int maxConnections, long deadline) {
        for (int i = 0; i < maxConnections && !stopping.get() && System.nanoTime() - deadline < 0; i++) {
            long start = System.nanoTime();
            try {
                String server = LineClient.askOnce(source, target);
                attempts.add(new Attempt(start, System.nanoTime(), server, null));
            } catch (Exception e) {
                attempts.add(new Attempt(start, System.nanoTime(), null, e.toString()));
            }
        }
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    public long successes() {
        return attempts.stream().filter(attempt -> !attempt.failed()).count();
    }

    /** Stops the threads and waits for them; each finishes its current connection (bounded by client timeouts). */
    @Override
    public void close() throws InterruptedException {
        stopping.set(true);
        for (Thread thread : threads) {
            thread.join(15_000);
        }
    }
}
