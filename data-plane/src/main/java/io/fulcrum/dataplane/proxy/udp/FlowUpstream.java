package io.fulcrum.dataplane.proxy.udp;

import io.netty.buffer.ByteBuf;

/** The real-server side of one flow: a socket of the node connected to the flow's real server. */
interface FlowUpstream {
    /** Queues one datagram; takes ownership of the buffer. Returns false (buffer released) if dropped. */
    boolean send(ByteBuf payload);

    /** Sends what {@link #send} queued, as one batch. */
    void flush();

    void close();
}
