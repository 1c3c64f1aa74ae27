package io.fulcrum.dataplane.proxy.udp;

import java.net.InetSocketAddress;

/** Opens the upstream socket of a flow; a seam so the flow table's rules are testable without sockets. */
interface UpstreamOpener {
    /** Opens a socket connected to {@code target} whose replies go back to the flow's client. */
    FlowUpstream open(FlowTable table, UdpFlow flow, InetSocketAddress target);
}
