package io.fulcrum.dataplane.proxy.udp;


import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Datagrams the kernel dropped on one virtual service's UDP sockets, its service sockets and its
 * flows' upstream sockets, since they were opened (see {@link KernelDrops}). A socket that closes
 * keeps the count last read for it: drops in its final moments, after the last status report, are
 * not seen.
 */
final class SocketDrops {
    private final Set<Long> inodes = ConcurrentHashMap.newKeySet();
    private final AtomicLong droppedByClosedSockets = new AtomicLong();

    /** Starts counting a socket's drops; returns its inode (-1 if /proc does not say). */
    long track(int fd) {
        OptionalLong inode = KernelDrops.inode(fd);
        inode.ifPresent(inodes::add);
        return inode.orElse(-1);
    }

    /** The socket is closing: what was last read for it stays counted. */
    void untrack(long inode) {
        if (inode >= 0 && inodes.remove(inode)) {
            // Never a fresh read of the tables here: this runs on an event loop, once per flow.
            droppedByClosedSockets.addAndGet(KernelDrops.lastRead().getOrDefault(inode, 0L));
        }
    }

    long total() {
        long sum = droppedByClosedSockets.get();
        if (inodes.isEmpty()) {
            return sum;
        }
        Map<Long, Long> drops = KernelDrops.byInode();
        if (drops.isEmpty()) {
            return sum;
        }
        for (long inode : inodes) {
            sum += drops.getOrDefault(inode, 0L);
        }
        return sum;
    }
}
