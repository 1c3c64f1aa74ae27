package io.fulcrum.dataplane.proxy.tcp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * A classic BPF program on a listening socket that drops every packet it would receive: new SYNs
 * vanish instead of being answered with a reset, so a client's TCP sends them again (after 1 s, then
 * 3 s) and, once a floating address has moved, reaches the peer. Connections accepted before stay as
 * they are: a filter is copied only to sockets accepted after it.
 */
final class SynDropFilter {
    private static final int SOL_SOCKET = 1;
    private static final int SO_ATTACH_FILTER = 26;
    /** BPF_RET | BPF_K with k = 0: accept nothing. */
    private static final short RET_ZERO = 0x06;

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int setsockopt(int fd, int level, int name, Pointer value, int length) throws LastErrorException;
    }

    private SynDropFilter() {
    }

    /** Attaches the drop-everything program to socket {@code fd}; fails with errno in the message. */
    static void attach(int fd) {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }: one instruction.
        Memory program = new Memory(8);
        program.clear();
        program.setShort(0, RET_ZERO);
        // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: the pointer is 8-aligned.
        Memory fprog = new Memory(16);
        fprog.clear();
        fprog.setShort(0, (short) 1);
        fprog.setPointer(8, program);
        try {
            LibC.INSTANCE.setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, fprog, 16);
        } catch (LastErrorException e) {
            throw new IllegalStateException("SO_ATTACH_FILTER on fd " + fd + ": errno " + e.getErrorCode(), e);
        }
    }
}
