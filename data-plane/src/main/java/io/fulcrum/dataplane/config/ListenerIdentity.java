package io.fulcrum.dataplane.config;

import java.net.InetAddress;
import java.util.List;

/** The part of a virtual service that decides its bound sockets; equal identities keep listeners. */
public record ListenerIdentity(InetAddress address, List<Integer> ports, Protocol protocol, Layer layer) {
    public ListenerIdentity {
        ports = List.copyOf(ports);
    }
}
