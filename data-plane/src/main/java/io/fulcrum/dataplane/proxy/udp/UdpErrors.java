package io.fulcrum.dataplane.proxy.udp;

import java.net.PortUnreachableException;

/** What the kernel's ICMP errors look like on a connected UDP socket, once Netty has read them. */
public final class UdpErrors {
    private UdpErrors() {
    }

    /** ICMP port (or host) unreachable: nothing listens on that port, or the host cannot be reached. */
    public static boolean unreachable(Throwable cause) {
        if (cause instanceof PortUnreachableException) {
            return true;
        }
        String message = String.valueOf(cause.getMessage());
        return message.contains("Connection refused") || message.contains("No route to host");
    }
}
