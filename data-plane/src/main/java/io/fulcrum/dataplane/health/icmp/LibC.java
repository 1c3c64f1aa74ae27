package io.fulcrum.dataplane.health.icmp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;

/** The few libc calls an ICMP socket needs (size_t and ssize_t are 64-bit here, hence long). */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_DGRAM = 2;
    int SOCK_RAW = 3;
    int SOCK_CLOEXEC = 0x80000;
    int IPPROTO_ICMP = 1;
    int IPPROTO_ICMPV6 = 58;
    int POLLIN = 1;
    int EINTR = 4;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    long recvfrom(int fd, byte[] buffer, long length, int flags, byte[] address, IntByReference addressLength)
            throws LastErrorException;

    /** {@code fds} holds struct pollfd pairs: fd, then events (low 16 bits) and revents (high 16 bits). */
    int poll(int[] fds, long count, int timeoutMillis) throws LastErrorException;

    int close(int fd) throws LastErrorException;
}
