package io.fulcrum.dataplane.peers;

import java.net.InetAddress;

/** One client of one virtual service: what a persistence entry is about. */
record EntryKey(String virtualService, InetAddress client) {
}
