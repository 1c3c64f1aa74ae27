package io.fulcrum.dataplane.health.icmp;

import com.sun.jna.LastErrorException;
import io.fulcrum.dataplane.health.ProbeResult;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.lang.System.Logger.Level;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends ICMP echo requests for every ping check of the node through one socket per address family
 * and matches replies on one receiver thread by sender and sequence (and identifier on raw
 * sockets). Results complete on the asking event loop, so checks never block a loop.
 */
public final class IcmpPinger implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IcmpPinger.class.getName());
    private static final int POLL_MILLIS = 200;

    private final Family v4;
    private final Family v6;
    private final int identifier = ThreadLocalRandom.current().nextInt(1, 0xffff);
    private final AtomicInteger sequence = new AtomicInteger();
    private final ConcurrentHashMap<Pending, Promise<ProbeResult>> pending = new ConcurrentHashMap<>();
    private final Thread receiver;
    private volatile boolean closed;

    private static final class Holder {
        static final IcmpPinger SHARED = new IcmpPinger();
    }

    /** The node's pinger, opened on first use. */
    public static IcmpPinger shared() {
        return Holder.SHARED;
    }

    /** Opens what this process may: per family a ping socket, else a raw socket. */
    public IcmpPinger() {
        this(IcmpSocket::open);
    }

    /** A pinger without sockets: every check reports {@code reason} (what a node without ICMP rights shows). */
    public static IcmpPinger withoutSockets(String reason) {
        return new IcmpPinger(ipv6 -> {
            throw new IllegalStateException(reason);
        });
    }

    private IcmpPinger(SocketOpener opener) {
        v4 = new Family(false, opener);
        v6 = new Family(true, opener);
        receiver = new Thread(this::receiveLoop, "fulcrum-icmp");
        receiver.setDaemon(true);
        if (v4.socket != null || v6.socket != null) {
            receiver.start();
        }
        LOG.log(Level.DEBUG, "ICMP: IPv4 {0}, IPv6 {1}", v4.describe(), v6.describe());
    }

    /** Why {@code target} cannot be pinged from this process, if it cannot. */
    public Optional<String> unavailable(InetAddress target) {
        return Optional.ofNullable(family(target).unavailableReason);
    }

    /** How {@code target}'s family is pinged: "ping socket", "raw socket" or "unavailable" (for logs and tests). */
    public String socketKind(InetAddress target) {
        IcmpSocket socket = family(target).socket;
        return socket == null ? "unavailable" : socket.raw ? "raw socket" : "ping socket";
    }

    /** Pings once; completes on {@code loop} with success on a reply, failure on timeout or error. */
    public Future<ProbeResult> ping(EventLoop loop, InetAddress target, long timeoutMillis) {
        Promise<ProbeResult> result = loop.newPromise();
        Family family = family(target);
        if (family.socket == null) {
            return result.setSuccess(ProbeResult.failed(family.unavailableReason));
        }
        int seq = sequence.incrementAndGet() & 0xffff;
        Pending key = new Pending(target, seq);
        pending.put(key, result);
        try {
            family.socket.send(target, EchoMessage.request(family.ipv6, identifier, seq));
        } catch (LastErrorException | IllegalArgumentException e) {
            pending.remove(key, result);
            return result.setSuccess(ProbeResult.failed("echo request not sent: " + e.getMessage()));
        }
        loop.schedule(() -> {
            if (pending.remove(key, result)) {
                result.trySuccess(ProbeResult.failed("no echo reply within " + timeoutMillis + "ms"));
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(done -> pending.remove(key, result));
        return result;
    }

    private Family family(InetAddress target) {
        return target instanceof Inet6Address ? v6 : v4;
    }

    private void receiveLoop() {
        Family[] families = v4.socket != null && v6.socket != null ? new Family[] {v4, v6}
                : new Family[] {v4.socket != null ? v4 : v6};
        int[] fds = new int[families.length * 2];
        byte[] buffer = new byte[1500];
        InetAddress[] from = new InetAddress[1];
        while (!closed) {
            for (int i = 0; i < families.length; i++) {
                fds[2 * i] = families[i].socket.fd;
                fds[2 * i + 1] = LibC.POLLIN;
            }
            try {
                if (LibC.INSTANCE.poll(fds, families.length, POLL_MILLIS) <= 0) {
                    continue;
                }
                for (int i = 0; i < families.length; i++) {
                    if ((fds[2 * i + 1] >>> 16) != 0) {
                        IcmpSocket socket = families[i].socket;
                        int length = socket.receive(buffer, from);
                        match(socket, buffer, length, from[0]);
                    }
                }
            } catch (LastErrorException e) {
                if (e.getErrorCode() != LibC.EINTR && !closed) {
                    LOG.log(Level.DEBUG, "ICMP receive failed: " + e.getMessage());
                }
            }
        }
    }

    private void match(IcmpSocket socket, byte[] buffer, int length, InetAddress from) {
        int offset = socket.icmpOffset(buffer);
        if (from == null || !EchoMessage.isReply(socket.ipv6, buffer, offset, length)) {
            return;
        }
        // A ping socket's identifier is the kernel's and only its own replies reach it.
        if (socket.raw && EchoMessage.identifier(buffer, offset) != identifier) {
            return;
        }
        Pending key = new Pending(from, EchoMessage.sequence(buffer, offset));
        Promise<ProbeResult> result = pending.remove(key);
        if (result != null) {
            result.trySuccess(ProbeResult.passed("echo reply"));
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        if (receiver.isAlive()) {
            receiver.join(2 * POLL_MILLIS + 1000);
        }
        v4.close();
        v6.close();
    }

    /** The socket of one address family, or why there is none. */
    private static final class Family {
        final boolean ipv6;
        final IcmpSocket socket;
        final String unavailableReason;

        Family(boolean ipv6, SocketOpener opener) {
            this.ipv6 = ipv6;
            IcmpSocket opened = null;
            String reason = null;
            try {
                opened = opener.open(ipv6);
            } catch (IllegalStateException e) {
                reason = e.getMessage();
            } catch (LinkageError e) {
                reason = "ICMP unavailable: libc not loadable (" + e.getMessage() + ")";
            }
            this.socket = opened;
            this.unavailableReason = reason;
        }

        String describe() {
            return socket == null ? unavailableReason : socket.raw ? "raw socket" : "ping socket";
        }

        void close() {
            if (socket != null) {
                socket.close();
            }
        }
    }

    private interface SocketOpener {
        IcmpSocket open(boolean ipv6);
    }

    /** A request in flight. */
    private record Pending(InetAddress address, int sequence) {
    }
}
