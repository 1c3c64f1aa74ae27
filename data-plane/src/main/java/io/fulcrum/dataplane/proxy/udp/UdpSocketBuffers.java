package io.fulcrum.dataplane.proxy.udp;

import io.fulcrum.dataplane.os.SocketCalls;
import io.fulcrum.dataplane.config.ByteSize;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kernel buffer sizes (SO_RCVBUF and SO_SNDBUF) of a node's UDP sockets: a service socket carries
 * every client of its virtual service, a flow's upstream socket one client's replies. A burst beyond
 * a receive buffer is dropped by the kernel (and counted in droppedDatagrams); memory is only taken
 * as datagrams wait, so large buffers cost nothing while they are empty. The kernel caps what a
 * socket may ask at net.core.rmem_max / wmem_max; a cap is named once in the log.
 */
public record UdpSocketBuffers(int serviceBytes, int flowBytes) {
    public static final int MIN_BYTES = 64 << 10;
    public static final int MAX_BYTES = 256 << 20;
    public static final UdpSocketBuffers DEFAULT = new UdpSocketBuffers(4 << 20, 1 << 20);

    private static final System.Logger LOG = System.getLogger(UdpSocketBuffers.class.getName());
    private static final AtomicBoolean SERVICE_CHECKED = new AtomicBoolean();
    private static final AtomicBoolean FLOW_CHECKED = new AtomicBoolean();

    public UdpSocketBuffers {
        check("service", serviceBytes);
        check("flow", flowBytes);
    }

    private static void check(String kind, int bytes) {
        if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("UDP " + kind + " socket buffer " + ByteSize.format(bytes)
                    + " (expected " + ByteSize.format(MIN_BYTES) + ".." + ByteSize.format(MAX_BYTES) + ")");
        }
    }

    /** Sets a flow socket's buffers; false (errno in {@code calls}) if the kernel refused. */
    boolean applyToFlow(SocketCalls calls, int fd) {
        return apply(calls, fd, flowBytes, FLOW_CHECKED, "flow upstream");
    }

    /** Sets a service socket's buffers; false (errno in {@code calls}) if the kernel refused. */
    boolean applyToService(SocketCalls calls, int fd) {
        return apply(calls, fd, serviceBytes, SERVICE_CHECKED, "service");
    }

    private static boolean apply(SocketCalls calls, int fd, int bytes, AtomicBoolean checked, String kind) {
        if (calls.setInt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_RCVBUF, bytes) < 0
                || calls.setInt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_SNDBUF, bytes) < 0) {
            return false;
        }
        if (checked.compareAndSet(false, true)) {
            // Linux reports twice what it grants.
            int granted = calls.getInt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_RCVBUF) / 2;
            if (granted >= 0 && granted < bytes) {
                LOG.log(Level.WARNING, "UDP " + kind + " sockets' receive buffers hold " + ByteSize.format(granted)
                        + ", not the " + ByteSize.format(bytes) + " asked (net.core.rmem_max); bursts beyond it are"
                        + " dropped by the kernel and counted in droppedDatagrams. Raise net.core.rmem_max to keep them");
            }
        }
        return true;
    }
}
