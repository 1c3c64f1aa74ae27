package io.fulcrum.dataplane.proxy;

import io.fulcrum.dataplane.os.SocketCalls;
import io.netty.channel.IoEventLoop;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;

/**
 * Closes the descriptors of the sockets that leave one event loop at the end of the loop's current
 * turn instead of at once. Netty hands each epoll event to whatever is registered under the event's
 * descriptor number. A number closed and reused within one turn (a pair closes, and the listener
 * accepts the next client, or a pair connects upstream, into the same number) would hand the rest of
 * that turn's events for the old socket to the new one: the hang-up of a finished connection would
 * end a fresh one before it was read. Held open until the turn's events are handled, a number is not
 * reused among them. Only the loop's own thread uses its instance.
 */
final class LoopCloses implements Runnable {
    private static final FastThreadLocal<LoopCloses> OF_THIS_LOOP = new FastThreadLocal<>();

    private final IoEventLoop loop;
    private final SocketCalls calls = new SocketCalls();
    private int[] descriptors = new int[64];
    private int count;
    private boolean scheduled;

    private LoopCloses(IoEventLoop loop) {
        this.loop = loop;
    }

    /** Closes {@code fd} once the current turn of {@code loop} is over; called on that loop. */
    static void closeAfterThisTurn(IoEventLoop loop, int fd) {
        LoopCloses closes = OF_THIS_LOOP.get();
        if (closes == null) {
            closes = new LoopCloses(loop);
            OF_THIS_LOOP.set(closes);
        }
        closes.add(fd);
    }

    private void add(int fd) {
        if (count == descriptors.length) {
            descriptors = Arrays.copyOf(descriptors, count * 2);
        }
        descriptors[count++] = fd;
        if (!scheduled) {
            scheduled = true;
            try {
                // Tasks run after the turn's I/O events, before the loop waits for the next ones.
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                // The loop has stopped: no more events come, so nothing can be handed on.
                run();
            }
        }
    }

    @Override
    public void run() {
        for (int i = 0; i < count; i++) {
            calls.close(descriptors[i]);
        }
        count = 0;
        scheduled = false;
    }
}
