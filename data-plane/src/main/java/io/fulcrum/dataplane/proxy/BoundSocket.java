package io.fulcrum.dataplane.proxy;

/** A socket a virtual service is bound on (a TCP listener or a UDP service socket), on one event loop. */
public interface BoundSocket {
    /** False once closed, for a stop or by an error underneath. */
    boolean isOpen();

    /**
     * Takes no new TCP connection without refusing one (see the runtime's stop delay); false if that
     * failed. A UDP service socket has nothing to do: it carries the live flows too.
     */
    boolean quiesce();

    /** Closes the socket and waits until it is closed; what was accepted on it goes on. */
    void close();
}
