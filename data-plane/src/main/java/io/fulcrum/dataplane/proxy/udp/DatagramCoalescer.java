package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.proxy.ServiceCounters;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the datagrams one read pass produced for one destination and writes them with as few
 * kernel sends as possible: a run of equal-sized datagrams (the last may be shorter) leaves as one
 * UDP GSO send (UDP_SEGMENT). The kernel then walks its stack once for the run instead of once per
 * datagram, which is most of the cost of a datagram; the receiver still gets separate datagrams.
 * If the kernel refuses a segmented send (a device that cannot offload it), the process falls
 * back to one datagram per send for good.
 */
final class DatagramCoalescer {
    /** Set {@code -Dfulcrum.udp.gso=false} to send every datagram on its own. */
    static final String GSO_PROPERTY = "fulcrum.udp.gso";
    private static final System.Logger LOG = System.getLogger(DatagramCoalescer.class.getName());
    // The kernel's limit on segments per send; the byte limit keeps the whole send one IP datagram.
    private static final int MAX_SEGMENTS = 64;
    private static final int MAX_RUN_BYTES = 65_000;
    /**
     * Larger datagrams go alone: the kernel refuses a segment that does not fit the path's MTU,
     * where a single datagram would be fragmented instead. 1,232 bytes fit any IPv6 path (and
     * every Ethernet one); typical UDP traffic (RDP, DNS, QUIC, games) is no larger.
     */
    static final int MAX_SEGMENT_SIZE = 1232;
    private static volatile boolean gsoWorks = Boolean.parseBoolean(System.getProperty(GSO_PROPERTY, "true"))
            && SegmentedDatagramPacket.isSupported();

    private final List<ByteBuf> pending = new ArrayList<>(8);

    /** Takes ownership of the payload until {@link #writeTo} or {@link #discard}. */
    void add(ByteBuf payload) {
        pending.add(payload);
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * Writes (does not flush) everything pending to {@code recipient}; returns the datagrams
     * written. Datagrams lost to a refused segmented send are counted as dropped.
     */
    int writeTo(Channel channel, InetSocketAddress recipient, ServiceCounters counters) {
        int count = pending.size();
        int start = 0;
        while (start < count) {
            int end = runEnd(start);
            if (end - start == 1) {
                channel.write(new DatagramPacket(pending.get(start), recipient), channel.voidPromise());
            } else {
                writeSegmented(channel, recipient, start, end, counters);
            }
            start = end;
        }
        pending.clear();
        return count;
    }

    void discard() {
        pending.forEach(ByteBuf::release);
        pending.clear();
    }

    static boolean gsoEnabled() {
        return gsoWorks;
    }

    // The end (exclusive) of the run starting at start that one segmented send may carry.
    private int runEnd(int start) {
        int segmentSize = pending.get(start).readableBytes();
        int end = start + 1;
        if (!gsoWorks || segmentSize == 0 || segmentSize > MAX_SEGMENT_SIZE) {
            return end;
        }
        int bytes = segmentSize;
        while (end < pending.size() && end - start < MAX_SEGMENTS) {
            int size = pending.get(end).readableBytes();
            if (size == 0 || size > segmentSize || bytes + size > MAX_RUN_BYTES) {
                break;
            }
            bytes += size;
            end++;
            if (size < segmentSize) {
                break; // only the last segment may be shorter
            }
        }
        return end;
    }

    private void writeSegmented(Channel channel, InetSocketAddress recipient, int start, int end,
                                ServiceCounters counters) {
        int segments = end - start;
        int segmentSize = pending.get(start).readableBytes();
        int bytes = 0;
        for (int i = start; i < end; i++) {
            bytes += pending.get(i).readableBytes();
        }
        ByteBuf joined = channel.alloc().directBuffer(bytes);
        for (int i = start; i < end; i++) {
            ByteBuf part = pending.get(i);
            joined.writeBytes(part);
            part.release();
        }
        channel.write(new SegmentedDatagramPacket(joined, segmentSize, recipient))
                .addListener((ChannelFutureListener) future -> {
                    if (future.isSuccess()) {
                        return;
                    }
                    for (int i = 0; i < segments; i++) {
                        counters.datagramDropped();
                    }
                    if (gsoWorks) {
                        gsoWorks = false;
                        LOG.log(Level.WARNING, "UDP segmentation offload refused ({0}); sending datagrams one by one",
                                future.cause().toString());
                    }
                });
    }
}
