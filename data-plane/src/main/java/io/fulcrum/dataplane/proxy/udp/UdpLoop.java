package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.os.Errno;
import io.fulcrum.dataplane.os.SocketCalls;
import io.netty.channel.IoEventLoop;

import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * What the UDP path keeps per event loop, touched only on that loop's thread: the system-call instance,
 * the datagram memory every batch passes through, and the run being built. One per loop for the life
 * of the loop, shared by every UDP virtual service on it.
 */
final class UdpLoop {
    /** Set {@code -Dfulcrum.udp.gso=false} to send every datagram on its own. */
    static final String GSO_PROPERTY = "fulcrum.udp.gso";
    private static final System.Logger LOG = System.getLogger(UdpLoop.class.getName());
    private static final Map<IoEventLoop, UdpLoop> LOOPS = Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile boolean segmentation = Boolean.parseBoolean(System.getProperty(GSO_PROPERTY, "true"));

    final IoEventLoop eventLoop;
    final SocketCalls calls = new SocketCalls();
    final DatagramBatch batch = new DatagramBatch();
    final DatagramRun run = new DatagramRun();

    private UdpLoop(IoEventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    static UdpLoop of(IoEventLoop eventLoop) {
        return LOOPS.computeIfAbsent(eventLoop, UdpLoop::new);
    }

    static boolean segmentation() {
        return segmentation;
    }

    /**
     * Sends the run to the client of {@code to} (null: the connected peer) and clears it; false if the kernel took
     * none of it (errno in {@link #calls}). A segmented send the kernel refuses (a device that cannot
     * offload it) turns segmentation off for good, and the run goes out one datagram at a time.
     */
    boolean sendRun(int fd, FlowKey to) {
        try {
            if (batch.send(calls, fd, to, run) >= 0) {
                return true;
            }
            int errno = calls.errno();
            if (run.count() > 1 && errno != Errno.EAGAIN && errno != Errno.ENOBUFS && errno != Errno.ECONNREFUSED
                    && errno != Errno.EHOSTUNREACH && errno != Errno.ENETUNREACH) {
                segmentation = false;
                LOG.log(Level.WARNING, "UDP segmentation offload refused ({0}); sending datagrams one by one",
                        Errno.describe(errno));
                boolean any = false;
                for (int k = 0; k < run.count(); k++) {
                    any |= batch.sendOne(calls, fd, to, run.index(k)) >= 0;
                }
                return any;
            }
            return false;
        } finally {
            run.clear();
        }
    }
}
