package io.fulcrum.dataplane.proxy;

import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.config.VirtualServiceConfig;

/**
 * What a proxy needs from a virtual service at the moment a client arrives: its current
 * settings, its selector and its counters. Settings may change between two clients.
 */
public interface ProxiedService {
    VirtualServiceConfig config();

    RealServerSelector selector();

    ServiceCounters counters();

    /** The descriptors its connections and flows may take (two per TCP connection, one per UDP flow). */
    DescriptorBudget.Share descriptors();
}
