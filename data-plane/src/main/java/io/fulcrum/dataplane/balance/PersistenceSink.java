package io.fulcrum.dataplane.balance;

import java.net.InetAddress;

/** Hears that a client's persistence entry was made, moved or used here (so peers can be told). */
@FunctionalInterface
public interface PersistenceSink {
    PersistenceSink NONE = client -> { };

    /** Called on the thread that touched the entry: must only note the client, never block. */
    void changed(InetAddress client);
}
