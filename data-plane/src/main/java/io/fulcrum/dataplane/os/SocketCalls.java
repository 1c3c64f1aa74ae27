package io.fulcrum.dataplane.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The socket system calls of the TCP relay, made through the foreign function API: one downcall per
 * system call and nothing else (a JNI socket wrapper such as Netty's reads each socket's family,
 * addresses and buffer sizes when it wraps it). The downcalls are "critical": every socket here is
 * non-blocking, so a call never blocks and never calls back into Java, and the thread-state
 * transitions a downcall would otherwise make are skipped.
 *
 * <p>An instance belongs to one thread (an event loop): errno is captured into its own memory, and
 * its scratch memory carries socket addresses and option values. Results follow libc: -1 on
 * failure, with the reason in {@link #errno()}.
 */
public final class SocketCalls {
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_NONBLOCK = 0x800;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_IP = 0;
    public static final int IP_FREEBIND = 15;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int IPV6_FREEBIND = 78;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int SOL_UDP = 17;
    public static final int UDP_SEGMENT = 103;
    public static final int MSG_TRUNC = 0x20;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_MORE = 0x8000;
    public static final int SHUT_WR = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // Pointers are passed as plain addresses (longs): no segment object per call.
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final MethodHandle SOCKET = downcall("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle BIND = downcall("bind", FunctionDescriptor.of(INT, INT, LONG, INT));
    private static final MethodHandle LISTEN = downcall("listen", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle ACCEPT4 = downcall("accept4", FunctionDescriptor.of(INT, INT, LONG, LONG, INT));
    private static final MethodHandle CONNECT = downcall("connect", FunctionDescriptor.of(INT, INT, LONG, INT));
    private static final MethodHandle RECV = downcall("recv", FunctionDescriptor.of(LONG, INT, LONG, LONG, INT));
    private static final MethodHandle SEND = downcall("send", FunctionDescriptor.of(LONG, INT, LONG, LONG, INT));
    private static final MethodHandle RECVMMSG = downcall("recvmmsg", FunctionDescriptor.of(INT, INT, LONG, INT, INT, LONG));
    private static final MethodHandle SENDMSG = downcall("sendmsg", FunctionDescriptor.of(LONG, INT, LONG, INT));
    private static final MethodHandle SHUTDOWN = downcall("shutdown", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(INT, INT));
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt", FunctionDescriptor.of(INT, INT, INT, INT, LONG, INT));
    private static final MethodHandle GETSOCKOPT = downcall("getsockopt", FunctionDescriptor.of(INT, INT, INT, INT, LONG, LONG));

    private static final long SOCKADDR_SIZE = 128;
    private final MemorySegment callState;
    private final MemorySegment sockaddr;
    private final MemorySegment value;
    private final MemorySegment length;

    public SocketCalls() {
        Arena arena = Arena.ofAuto();
        this.callState = arena.allocate(CALL_STATE);
        this.sockaddr = arena.allocate(SOCKADDR_SIZE, 8);
        this.value = arena.allocate(8, 8);
        this.length = arena.allocate(4, 4);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = SymbolLookup.libraryLookup("libc.so.6", Arena.global()).find(name)
                .or(() -> LINKER.defaultLookup().find(name))
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"),
                Linker.Option.critical(false));
    }

    /** The errno of the last call that failed on this instance. */
    public int errno() {
        return (int) ERRNO.get(callState, 0L);
    }

    /** A non-blocking, close-on-exec TCP socket of the address's family, or -1. */
    public int tcpSocket(InetAddress address) {
        int family = address instanceof Inet6Address ? AF_INET6 : AF_INET;
        try {
            return (int) SOCKET.invokeExact(callState, family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A non-blocking, close-on-exec UDP socket of the address's family, or -1. */
    public int udpSocket(InetAddress address) {
        int family = address instanceof Inet6Address ? AF_INET6 : AF_INET;
        try {
            return (int) SOCKET.invokeExact(callState, family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Makes {@code fd} a socket of a virtual service before it is bound: shared with the other event
     * loops and nodes on the host (SO_REUSEADDR, SO_REUSEPORT), and bindable to an address the host does
     * not hold yet (IP_FREEBIND; keepalived may move it here later). 0, or -1 with errno.
     */
    public int shareAndBindFreely(int fd, InetAddress address) {
        boolean v6 = address instanceof Inet6Address;
        if (setInt(fd, SOL_SOCKET, SO_REUSEADDR, 1) < 0 || setInt(fd, SOL_SOCKET, SO_REUSEPORT, 1) < 0) {
            return -1;
        }
        return setInt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_FREEBIND : IP_FREEBIND, 1);
    }

    public int bind(int fd, InetAddress address, int port) {
        int size = putSocketAddress(address, port);
        try {
            return (int) BIND.invokeExact(callState, fd, sockaddr.address(), size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int listen(int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(callState, fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Accepts one connection as a non-blocking, close-on-exec socket, or -1 ({@code EAGAIN}: none
     * waiting). The client's address is then read with {@link #acceptedAddress()} and {@link #acceptedPort()}.
     */
    public int accept(int fd) {
        length.set(INT, 0, (int) SOCKADDR_SIZE);
        try {
            return (int) ACCEPT4.invokeExact(callState, fd, sockaddr.address(), length.address(),
                    SOCK_NONBLOCK | SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The peer address of the last {@link #accept}. */
    public InetAddress acceptedAddress() {
        return SocketAddresses.address(sockaddr, 0);
    }

    /** The peer port of the last {@link #accept}. */
    public int acceptedPort() {
        return SocketAddresses.port(sockaddr, 0);
    }

    /** Starts a non-blocking connect: 0 when already connected, else -1 with {@code EINPROGRESS} or a failure. */
    public int connect(int fd, InetAddress address, int port) {
        int size = putSocketAddress(address, port);
        try {
            return (int) CONNECT.invokeExact(callState, fd, sockaddr.address(), size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads into native memory: bytes read, 0 at end of stream, -1 on failure ({@code EAGAIN}: nothing there). */
    public long recv(int fd, long address, long length) {
        try {
            return (long) RECV.invokeExact(callState, fd, address, length, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sends from native memory (never raising SIGPIPE): bytes sent, or -1 ({@code EAGAIN}: buffer full). */
    public long send(int fd, long address, long length, int flags) {
        try {
            return (long) SEND.invokeExact(callState, fd, address, length, flags | MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reads up to {@code count} datagrams into the mmsghdr array at {@code messages}, without waiting: how many, or -1. */
    public int recvmmsg(int fd, long messages, int count) {
        try {
            return (int) RECVMMSG.invokeExact(callState, fd, messages, count, MSG_DONTWAIT, 0L);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sends the message described by the msghdr at {@code message} (never raising SIGPIPE): bytes sent, or -1. */
    public long sendmsg(int fd, long message, int flags) {
        try {
            return (long) SENDMSG.invokeExact(callState, fd, message, flags | MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int shutdown(int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(callState, fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(callState, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public int setInt(int fd, int level, int option, int optionValue) {
        value.set(INT, 0, optionValue);
        try {
            return (int) SETSOCKOPT.invokeExact(callState, fd, level, option, value.address(), 4);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An int socket option's value, or -1 with errno set. */
    public int getInt(int fd, int level, int option) {
        length.set(INT, 0, 4);
        try {
            int result = (int) GETSOCKOPT.invokeExact(callState, fd, level, option, value.address(), length.address());
            return result < 0 ? -1 : value.get(INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Encodes {@code address:port} in the scratch memory; returns its size. */
    private int putSocketAddress(InetAddress address, int port) {
        return SocketAddresses.write(sockaddr, 0, address, port);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        throw new IllegalStateException(t);
    }
}
