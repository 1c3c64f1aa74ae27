package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.os.SocketCalls;
import io.netty.channel.IoEventLoop;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * What the TCP relay keeps per event loop, touched only on that loop's thread: the system-call
 * instance (errno, socket addresses), the one buffer every relayed chunk passes through on its way
 * from socket to socket, spare chunks for what a full socket could not take yet, the pairs alive on
 * this loop (for the drain at stop), and the upstream connects of the current pass over ready sockets.
 */
final class TcpLoop {
    /**
     * The most one read takes, and so the most that waits in user space for one full socket. Four times
     * the 64 KiB of one loopback segment: a bulk transfer then costs a quarter of the system calls and
     * of the pushes that wake the receiver, about a quarter less CPU per GB than 64 KiB reads (the kernel
     * holds up to tcp_wmem's maximum, 4 MiB, for a full socket anyway).
     */
    static final int READ = 256 * 1024;
    /** The size of a spare chunk kept for what a full socket could not take; larger rests are one-offs. */
    static final int CHUNK = 64 * 1024;
    /** Spare chunks kept for the next backlog; beyond this a chunk goes back to the garbage collector. */
    private static final int SPARE_CHUNKS = 64;

    final IoEventLoop eventLoop;
    final SocketCalls calls = new SocketCalls();
    /** Address of the relay buffer: read into, written from, never holding anything between two events. */
    final long buffer;
    final MemorySegment bufferSegment;
    private final ArrayDeque<MemorySegment> spareChunks = new ArrayDeque<>();
    private final ArrayDeque<TcpPair> connects = new ArrayDeque<>();
    private final Runnable connectAll = this::connectAll;
    private boolean accepting;
    private TcpPair newest;
    private int pairs;

    TcpLoop(IoEventLoop eventLoop) {
        this.eventLoop = eventLoop;
        this.bufferSegment = Arena.ofAuto().allocate(READ, 64);
        this.buffer = bufferSegment.address();
    }

    /** Memory for {@code length} bytes a socket could not take yet: a spare chunk when one is large enough. */
    MemorySegment takeChunk(long length) {
        if (length > CHUNK) {
            return Arena.ofAuto().allocate(length, 64);
        }
        MemorySegment chunk = spareChunks.poll();
        return chunk != null ? chunk : Arena.ofAuto().allocate(CHUNK, 64);
    }

    void giveBack(MemorySegment chunk) {
        if (chunk.byteSize() == CHUNK && spareChunks.size() < SPARE_CHUNKS) {
            spareChunks.push(chunk);
        }
    }

    /**
     * Connects the pair's upstream after the accepts of this wake-up of its listener, not between them:
     * the upstream connects of a burst of accepts then go out back to back, and a real server that one
     * of them woke is still awake for the rest (waking a sleeping process is a large part of a
     * connect's cost). Outside a listener's wake-up, after the current pass over ready sockets.
     * <p>
     * Not as a task of the event loop for every burst: the loop's task runner would then be hot, and
     * the JIT compiles it with this relay's connect inlined and compiles it again each time another
     * kind of task comes along, about a third of a second of a shared core each time in a node's
     * first seconds.
     */
    void connectSoon(TcpPair pair) {
        connects.add(pair);
        if (!accepting && connects.size() == 1) {
            eventLoop.execute(connectAll);
        }
    }

    /** A listener starts accepting: connects wait for {@link #acceptsEnded()}. */
    void acceptsStarted() {
        accepting = true;
    }

    /** The listener's accepts of this wake-up are done: their upstream connects go out. */
    void acceptsEnded() {
        accepting = false;
        connectAll();
    }

    private void connectAll() {
        TcpPair pair;
        while ((pair = connects.poll()) != null) {
            pair.connectUpstream();
        }
    }

    void added(TcpPair pair) {
        pair.older = newest;
        if (newest != null) {
            newest.newer = pair;
        }
        newest = pair;
        pairs++;
    }

    void removed(TcpPair pair) {
        if (pair.newer != null) {
            pair.newer.older = pair.older;
        } else {
            newest = pair.older;
        }
        if (pair.older != null) {
            pair.older.newer = pair.newer;
        }
        pair.older = null;
        pair.newer = null;
        pairs--;
    }

    /** Ends every pair of this loop in order (see {@link TcpPair#finish}); runs on the loop. */
    void finishAll(Duration linger) {
        List<TcpPair> live = new ArrayList<>(pairs);
        for (TcpPair pair = newest; pair != null; pair = pair.older) {
            live.add(pair);
        }
        live.forEach(pair -> pair.finish(linger));
    }
}
