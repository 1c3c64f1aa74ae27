package io.fulcrum.dataplane.testing;

import io.fulcrum.dataplane.balance.RealServerSelector;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.proxy.DescriptorBudget;
import io.fulcrum.dataplane.proxy.ProxiedService;
import io.fulcrum.dataplane.proxy.ServiceCounters;

/** A virtual service whose settings never change, for proxy tests that need no runtime around it. */
public record FixedService(VirtualServiceConfig config, RealServerSelector selector, ServiceCounters counters,
                           DescriptorBudget.Share descriptors) implements ProxiedService {

    public FixedService(VirtualServiceConfig config, RealServerSelector selector, ServiceCounters counters) {
        this(config, selector, counters, DescriptorBudget.unlimited().share(config.name()));
    }
}
