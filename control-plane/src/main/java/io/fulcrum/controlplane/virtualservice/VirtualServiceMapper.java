package io.fulcrum.controlplane.virtualservice;

import io.fulcrum.controlplane.validation.Durations;
import java.util.Arrays;
import java.util.List;

/** Copies between the stored row and the API/domain record. */
public final class VirtualServiceMapper {

    private VirtualServiceMapper() {
    }

    public static VirtualService toRecord(VirtualServiceEntity e) {
        VirtualService.Persistence persistence = new VirtualService.Persistence(e.persistenceMode,
                e.persistenceTimeoutMs == null ? null : Durations.format(e.persistenceTimeoutMs));
        VirtualService.HealthCheck healthCheck = new VirtualService.HealthCheck(e.healthCheckType,
                Durations.format(e.healthCheckIntervalMs), Durations.format(e.healthCheckTimeoutMs),
                e.healthCheckRise, e.healthCheckFall, e.healthCheckPort, e.healthCheckPath, e.healthCheckExpectStatus);
        VirtualService.Endpoint fallback = e.fallbackAddress == null
                ? null : new VirtualService.Endpoint(e.fallbackAddress, e.fallbackPort);
        return new VirtualService(e.name, e.address, List.copyOf(Arrays.asList(e.ports)), e.protocol, e.layer,
                e.algorithm, persistence, healthCheck, fallback, e.proxyProtocol,
                Durations.format(e.clientIdleTimeoutMs), Durations.format(e.serverIdleTimeoutMs),
                Durations.format(e.connectTimeoutMs), Durations.format(e.flowIdleTimeoutMs), e.maxFlows, e.version);
    }

    /** Overwrites every configurable column of {@code e}; id and version are left alone. */
    public static void copyInto(VirtualService v, VirtualServiceEntity e) {
        e.name = v.name();
        e.address = v.address();
        e.ports = v.ports().toArray(Integer[]::new);
        e.protocol = v.protocol();
        e.layer = v.layer();
        e.algorithm = v.algorithm();
        e.persistenceMode = v.persistence().mode();
        e.persistenceTimeoutMs = v.persistence().timeout() == null ? null : Durations.parseMillis(v.persistence().timeout());
        VirtualService.HealthCheck hc = v.healthCheck();
        e.healthCheckType = hc.type();
        e.healthCheckIntervalMs = Durations.parseMillis(hc.interval());
        e.healthCheckTimeoutMs = Durations.parseMillis(hc.timeout());
        e.healthCheckRise = hc.rise();
        e.healthCheckFall = hc.fall();
        e.healthCheckPort = hc.port();
        e.healthCheckPath = hc.path();
        e.healthCheckExpectStatus = hc.expectStatus();
        e.fallbackAddress = v.fallback() == null ? null : v.fallback().address();
        e.fallbackPort = v.fallback() == null ? null : v.fallback().port();
        e.proxyProtocol = v.proxyProtocol();
        e.clientIdleTimeoutMs = Durations.parseMillis(v.clientIdleTimeout());
        e.serverIdleTimeoutMs = Durations.parseMillis(v.serverIdleTimeout());
        e.connectTimeoutMs = Durations.parseMillis(v.connectTimeout());
        e.flowIdleTimeoutMs = Durations.parseMillis(v.flowIdleTimeout());
        e.maxFlows = v.maxFlows();
    }
}
