package io.fulcrum.dataplane.runtime;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Which virtual-service addresses this host holds now: those a socket can be bound to without
 * IP_FREEBIND, i.e. assigned to an interface or routed locally (all of 127.0.0.0/8 on lo). That is
 * what keepalived changes when it moves a floating address, so it tells the active node of a pair
 * from the passive one. (A host with net.ipv4.ip_nonlocal_bind=1 appears to hold every address.)
 */
final class HeldAddresses {
    private HeldAddresses() {
    }

    static List<String> among(Collection<InetAddress> addresses) {
        List<String> held = new ArrayList<>();
        for (InetAddress address : new LinkedHashSet<>(addresses)) {
            try (DatagramSocket probe = new DatagramSocket(null)) {
                probe.bind(new InetSocketAddress(address, 0));
                held.add(address.getHostAddress());
            } catch (IOException notHere) {
                // EADDRNOTAVAIL: the address is elsewhere (the peer of the pair holds it), or nowhere.
            }
        }
        return held;
    }
}
