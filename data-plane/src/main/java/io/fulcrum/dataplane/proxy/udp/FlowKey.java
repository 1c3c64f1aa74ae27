package io.fulcrum.dataplane.proxy.udp;

import java.net.InetSocketAddress;

/**
 * Identifies a flow: the client's address and port, and the service port it sent to (a client may
 * use one source port towards several ports of the same service, each its own flow).
 */
public record FlowKey(InetSocketAddress client, int servicePort) {
}
