package io.fulcrum.dataplane.proxy.udp;

/** The real-server side of one flow: a socket of the node connected to the flow's real server. */
interface FlowUpstream {
    /**
     * Sends the calling loop's current run (datagrams of its batch) to the real server and clears the
     * run; false if they were dropped.
     */
    boolean send(UdpLoop from);

    void close();
}
