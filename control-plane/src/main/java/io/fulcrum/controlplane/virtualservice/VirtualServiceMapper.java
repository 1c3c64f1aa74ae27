package io.fulcrum.controlplane.virtualservice;

import io.fulcrum.controlplane.domain.Algorithm;
import io.fulcrum.controlplane.domain.HealthCheckType;
import io.fulcrum.controlplane.domain.JsonName;
import io.fulcrum.controlplane.domain.Layer;
import io.fulcrum.controlplane.domain.PersistenceMode;
import io.fulcrum.controlplane.domain.Protocol;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Copies between the stored row (durations in milliseconds, enums as their JSON text) and the record. */
public final class VirtualServiceMapper {

    private VirtualServiceMapper() {
    }

    public static VirtualService toRecord(VirtualServiceEntity e) {
        VirtualService.Persistence persistence = new VirtualService.Persistence(
                JsonName.stored(PersistenceMode.class, e.persistenceMode),
                e.persistenceTimeoutMs == null ? null : Duration.ofMillis(e.persistenceTimeoutMs));
        VirtualService.HealthCheck healthCheck = new VirtualService.HealthCheck(
                JsonName.stored(HealthCheckType.class, e.healthCheckType), Duration.ofMillis(e.healthCheckIntervalMs),
                Duration.ofMillis(e.healthCheckTimeoutMs), e.healthCheckRise, e.healthCheckFall, e.healthCheckPort,
                e.healthCheckPath, e.healthCheckExpectStatus, e.healthCheckUdpSend, e.healthCheckUdpExpect);
        VirtualService.Endpoint fallback = e.fallbackAddress == null
                ? null : new VirtualService.Endpoint(e.fallbackAddress, e.fallbackPort);
        return new VirtualService(e.name, e.address, List.copyOf(Arrays.asList(e.ports)),
                JsonName.stored(Protocol.class, e.protocol), Layer.stored(e.layer),
                JsonName.stored(Algorithm.class, e.algorithm), persistence, healthCheck, fallback, e.proxyProtocol,
                Duration.ofMillis(e.clientIdleTimeoutMs), Duration.ofMillis(e.clientFirstByteTimeoutMs),
                Duration.ofMillis(e.serverIdleTimeoutMs), Duration.ofMillis(e.connectTimeoutMs),
                Duration.ofMillis(e.flowIdleTimeoutMs), e.maxFlows, e.maxConnections, e.maxConnectionsPerClient, e.version);
    }

    /** Overwrites every configurable column of {@code e}; id and version are left alone. */
    public static void copyInto(VirtualService v, VirtualServiceEntity e) {
        e.name = v.name();
        e.address = v.address();
        e.ports = v.ports().toArray(Integer[]::new);
        e.protocol = v.protocol().json();
        e.layer = v.layer().number();
        e.algorithm = v.algorithm().json();
        e.persistenceMode = v.persistence().mode().json();
        e.persistenceTimeoutMs = v.persistence().timeout() == null ? null : v.persistence().timeout().toMillis();
        VirtualService.HealthCheck hc = v.healthCheck();
        e.healthCheckType = hc.type().json();
        e.healthCheckIntervalMs = hc.interval().toMillis();
        e.healthCheckTimeoutMs = hc.timeout().toMillis();
        e.healthCheckRise = hc.rise();
        e.healthCheckFall = hc.fall();
        e.healthCheckPort = hc.port();
        e.healthCheckPath = hc.path();
        e.healthCheckExpectStatus = hc.expectStatus();
        e.healthCheckUdpSend = hc.send();
        e.healthCheckUdpExpect = hc.expect();
        e.fallbackAddress = v.fallback() == null ? null : v.fallback().address();
        e.fallbackPort = v.fallback() == null ? null : v.fallback().port();
        e.proxyProtocol = v.proxyProtocol();
        e.clientIdleTimeoutMs = v.clientIdleTimeout().toMillis();
        e.serverIdleTimeoutMs = v.serverIdleTimeout().toMillis();
        e.connectTimeoutMs = v.connectTimeout().toMillis();
        e.flowIdleTimeoutMs = v.flowIdleTimeout().toMillis();
        e.maxFlows = v.maxFlows();
        e.clientFirstByteTimeoutMs = v.clientFirstByteTimeout().toMillis();
        e.maxConnections = v.maxConnections();
        e.maxConnectionsPerClient = v.maxConnectionsPerClient();
    }
}
