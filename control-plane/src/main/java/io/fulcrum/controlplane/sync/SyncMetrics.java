package io.fulcrum.controlplane.sync;

import io.fulcrum.controlplane.snapshot.SnapshotCache;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Exposes the published configuration version and node counts on /q/metrics for alerting on drift. */
@ApplicationScoped
public class SyncMetrics {

    @Inject
    MeterRegistry meters;
    @Inject
    SnapshotCache cache;
    @Inject
    NodeRegistry registry;

    void register(@Observes StartupEvent event) {
        Gauge.builder("fulcrum.config.version.published", cache, SnapshotCache::currentVersion)
                .description("Configuration version of the snapshot currently pushed to nodes")
                .register(meters);
        Gauge.builder("fulcrum.nodes.connected", registry, r -> r.nodes().stream().filter(NodeView::connected).count())
                .description("Data-plane nodes with an open sync stream")
                .register(meters);
        Gauge.builder("fulcrum.nodes.behind", registry, r -> r.nodes().stream()
                        .filter(node -> node.connected() && node.appliedVersion() < cache.currentVersion()).count())
                .description("Connected nodes that have not applied the published version")
                .register(meters);
        Timer push = Timer.builder("fulcrum.push.latency")
                .description("From the publication of a configuration version until a node acknowledged applying it")
                .publishPercentileHistogram()
                .minimumExpectedValue(java.time.Duration.ofMillis(1))
                .maximumExpectedValue(java.time.Duration.ofSeconds(30))
                .register(meters);
        registry.reportPushLatencyTo(nanos -> push.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS));
    }
}
