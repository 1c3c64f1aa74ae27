package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.os.SocketCalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An event loop's native memory for datagrams: one receive batch (recvmmsg into {@link #SIZE}
 * slots, each a byte larger than the largest datagram forwarded, so a full slot means a truncated,
 * oversized datagram) and one send (sendmsg of a run of those slots, as one UDP GSO send when the run
 * has several). A batch is forwarded before the next one is read, so nothing here outlives an event.
 * Used on its loop's thread only.
 */
final class DatagramBatch {
    static final int SIZE = 16;
    // struct mmsghdr { struct msghdr { name, namelen, iov, iovlen, control, controllen, flags }; unsigned len; }
    private static final int MSGHDR = 56;
    private static final int MMSGHDR = 64;
    private static final int NAME = 0;
    private static final int NAMELEN = 8;
    private static final int IOV = 16;
    private static final int IOVLEN = 24;
    private static final int CONTROL = 32;
    private static final int CONTROLLEN = 40;
    private static final int FLAGS = 48;
    private static final int LEN = 56;
    private static final int IOVEC = 16;
    private static final int NAME_STRIDE = 32;
    private static final long SLOT_STRIDE = (DatagramLimits.SLOT_SIZE + 7) & ~7L;
    // struct cmsghdr { size_t len; int level; int type; } followed by the u16 segment size.
    private static final int CMSG_LEN = 18;
    private static final int CMSG_SPACE = 24;

    private final MemorySegment memory;
    private final long base;
    private final long slots;
    private final long messages;
    private final long receiveIovecs;
    private final long names;
    private final long sendMessage;
    private final long sendIovecs;
    private final long sendName;
    private final long control;

    DatagramBatch() {
        long slotBytes = SLOT_STRIDE * SIZE;
        long size = slotBytes + (long) SIZE * (MMSGHDR + IOVEC + NAME_STRIDE) + MSGHDR + 8
                + (long) DatagramRun.MAX_SEGMENTS * IOVEC + NAME_STRIDE + CMSG_SPACE;
        memory = Arena.ofAuto().allocate(size, 64);
        base = memory.address();
        slots = 0;
        messages = slotBytes;
        receiveIovecs = messages + (long) SIZE * MMSGHDR;
        names = receiveIovecs + (long) SIZE * IOVEC;
        sendMessage = names + (long) SIZE * NAME_STRIDE;
        sendIovecs = sendMessage + MSGHDR + 8;
        sendName = sendIovecs + (long) DatagramRun.MAX_SEGMENTS * IOVEC;
        control = sendName + NAME_STRIDE;
        for (int i = 0; i < SIZE; i++) {
            long iovec = receiveIovecs + (long) i * IOVEC;
            memory.set(ValueLayout.JAVA_LONG, iovec, base + slots + i * SLOT_STRIDE);
            memory.set(ValueLayout.JAVA_LONG, iovec + 8, DatagramLimits.SLOT_SIZE);
            long message = messages + (long) i * MMSGHDR;
            memory.set(ValueLayout.JAVA_LONG, message + NAME, base + names + (long) i * NAME_STRIDE);
            memory.set(ValueLayout.JAVA_LONG, message + IOV, base + iovec);
            memory.set(ValueLayout.JAVA_LONG, message + IOVLEN, 1);
        }
        memory.set(ValueLayout.JAVA_LONG, sendMessage + IOV, base + sendIovecs);
        memory.set(ValueLayout.JAVA_LONG, control, CMSG_LEN);
        memory.set(ValueLayout.JAVA_INT, control + 8, SocketCalls.SOL_UDP);
        memory.set(ValueLayout.JAVA_INT, control + 12, SocketCalls.UDP_SEGMENT);
    }

    /** Reads up to {@link #SIZE} datagrams from {@code fd}: how many, or -1 with errno in {@code calls}. */
    int receive(SocketCalls calls, int fd) {
        for (int i = 0; i < SIZE; i++) {
            long message = messages + (long) i * MMSGHDR;
            memory.set(ValueLayout.JAVA_INT, message + NAMELEN, NAME_STRIDE);
            memory.set(ValueLayout.JAVA_INT, message + FLAGS, 0);
        }
        return calls.recvmmsg(fd, base + messages, SIZE);
    }

    int length(int i) {
        return memory.get(ValueLayout.JAVA_INT, messages + (long) i * MMSGHDR + LEN);
    }

    /** Larger than what is forwarded: it filled its slot, or the kernel cut it. */
    boolean oversized(int i) {
        return DatagramLimits.oversized(length(i))
                || (memory.get(ValueLayout.JAVA_INT, messages + (long) i * MMSGHDR + FLAGS) & SocketCalls.MSG_TRUNC) != 0;
    }

    /** The sender of datagram {@code i} towards {@code servicePort}, read into the lookup key {@code into}. */
    FlowKey sender(int i, FlowKey into, int servicePort) {
        return into.readSender(memory, names + (long) i * NAME_STRIDE, servicePort);
    }

    /**
     * Sends a run of received datagrams to the client of {@code to} (null: the socket's connected
     * peer): one datagram alone, several as one segmented send. Bytes sent, or -1 with errno in {@code calls}.
     */
    long send(SocketCalls calls, int fd, FlowKey to, DatagramRun run) {
        for (int k = 0; k < run.count(); k++) {
            long iovec = sendIovecs + (long) k * IOVEC;
            memory.set(ValueLayout.JAVA_LONG, iovec, base + slots + run.index(k) * SLOT_STRIDE);
            memory.set(ValueLayout.JAVA_LONG, iovec + 8, run.length(k));
        }
        return sendIovecs(calls, fd, to, run.count(), run.count() > 1 ? run.segmentSize() : 0);
    }

    /** Sends the one datagram in slot {@code i} on its own (after a refused segmented send). */
    long sendOne(SocketCalls calls, int fd, FlowKey to, int i) {
        memory.set(ValueLayout.JAVA_LONG, sendIovecs, base + slots + i * SLOT_STRIDE);
        memory.set(ValueLayout.JAVA_LONG, sendIovecs + 8, length(i));
        return sendIovecs(calls, fd, to, 1, 0);
    }

    private long sendIovecs(SocketCalls calls, int fd, FlowKey to, int count, int segmentSize) {
        if (to == null) {
            memory.set(ValueLayout.JAVA_LONG, sendMessage + NAME, 0L);
            memory.set(ValueLayout.JAVA_INT, sendMessage + NAMELEN, 0);
        } else {
            int size = to.writeClient(memory, sendName);
            memory.set(ValueLayout.JAVA_LONG, sendMessage + NAME, base + sendName);
            memory.set(ValueLayout.JAVA_INT, sendMessage + NAMELEN, size);
        }
        memory.set(ValueLayout.JAVA_LONG, sendMessage + IOVLEN, count);
        if (segmentSize > 0) {
            memory.set(ValueLayout.JAVA_SHORT, control + 16, (short) segmentSize);
            memory.set(ValueLayout.JAVA_LONG, sendMessage + CONTROL, base + control);
            memory.set(ValueLayout.JAVA_LONG, sendMessage + CONTROLLEN, CMSG_SPACE);
        } else {
            memory.set(ValueLayout.JAVA_LONG, sendMessage + CONTROL, 0L);
            memory.set(ValueLayout.JAVA_LONG, sendMessage + CONTROLLEN, 0L);
        }
        memory.set(ValueLayout.JAVA_INT, sendMessage + FLAGS, 0);
        return calls.sendmsg(fd, base + sendMessage, 0);
    }

    /** A copy of the datagram in slot {@code i} (to hand it to another loop). */
    byte[] copy(int i) {
        byte[] bytes = new byte[length(i)];
        MemorySegment.copy(memory, ValueLayout.JAVA_BYTE, slots + i * SLOT_STRIDE, bytes, 0, bytes.length);
        return bytes;
    }

    /** Puts {@code bytes} into slot {@code i} as if received there (a datagram handed over by another loop). */
    void put(int i, byte[] bytes) {
        MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, slots + i * SLOT_STRIDE, bytes.length);
        memory.set(ValueLayout.JAVA_INT, messages + (long) i * MMSGHDR + LEN, bytes.length);
        memory.set(ValueLayout.JAVA_INT, messages + (long) i * MMSGHDR + FLAGS, 0);
    }
}
