package io.fulcrum.dataplane.peers;

import io.fulcrum.dataplane.balance.RealServerSelector;

import java.util.function.BiConsumer;

/** The virtual services running on this node, by name, as replication needs them. */
public interface PersistenceDirectory {
    /** The selector of that virtual service, or null when it does not run here. */
    RealServerSelector selector(String virtualService);

    void forEachService(BiConsumer<String, RealServerSelector> action);
}
