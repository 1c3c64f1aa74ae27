package io.fulcrum.dataplane.config;

import java.net.InetAddress;
import java.util.Objects;

/** An address and port to connect to; port 0 follows the port the client connected to. */
public record Endpoint(InetAddress address, int port) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
    }

    @Override
    public String toString() {
        return address.getHostAddress() + ":" + port;
    }
}
