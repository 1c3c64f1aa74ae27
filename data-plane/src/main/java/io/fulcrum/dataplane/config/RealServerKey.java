package io.fulcrum.dataplane.config;

import java.net.InetAddress;

/** Identity of a real server across snapshots: label, address and port. */
public record RealServerKey(String label, InetAddress address, int port) {
}
