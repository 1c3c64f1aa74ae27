package io.fulcrum.dataplane.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Desired state of one virtual service, immutable; equality is what the runtime diffs on.
 *
 * @param fallback used only when no real server can take a connection; null when not configured
 */
public record VirtualServiceConfig(
        String name,
        InetAddress address,
        List<Integer> ports,
        Protocol protocol,
        Layer layer,
        Algorithm algorithm,
        PersistenceConfig persistence,
        HealthCheckConfig healthCheck,
        Endpoint fallback,
        boolean proxyProtocol,
        Duration clientIdleTimeout,
        Duration serverIdleTimeout,
        Duration connectTimeout,
        FlowSettings flows,
        ClientLimits clients,
        List<RealServerConfig> realServers) {

    public VirtualServiceConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(persistence, "persistence");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
        Objects.requireNonNull(serverIdleTimeout, "serverIdleTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(flows, "flows");
        Objects.requireNonNull(clients, "clients");
        ports = List.copyOf(ports);
        realServers = List.copyOf(realServers);
    }

    public ListenerIdentity listenerIdentity() {
        return new ListenerIdentity(address, ports, protocol, layer);
    }

    public VirtualServiceConfig withRealServers(List<RealServerConfig> newRealServers) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, persistence,
                healthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                newRealServers);
    }

    public VirtualServiceConfig withPorts(List<Integer> newPorts) {
        return new VirtualServiceConfig(name, address, newPorts, protocol, layer, algorithm, persistence,
                healthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                realServers);
    }

    public VirtualServiceConfig withAlgorithm(Algorithm newAlgorithm) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, newAlgorithm, persistence,
                healthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                realServers);
    }

    public VirtualServiceConfig withPersistence(PersistenceConfig newPersistence) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, newPersistence,
                healthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                realServers);
    }

    public VirtualServiceConfig withHealthCheck(HealthCheckConfig newHealthCheck) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, persistence,
                newHealthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                realServers);
    }

    public VirtualServiceConfig withFallback(Endpoint newFallback) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, persistence,
                healthCheck, newFallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                realServers);
    }

    public VirtualServiceConfig withProxyProtocol(boolean enabled) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, persistence,
                healthCheck, fallback, enabled, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                realServers);
    }

    public VirtualServiceConfig withTransport(Protocol newProtocol, Layer newLayer) {
        return new VirtualServiceConfig(name, address, ports, newProtocol, newLayer, algorithm, persistence,
                healthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows, clients,
                realServers);
    }

    public VirtualServiceConfig withClients(ClientLimits newClients) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, persistence,
                healthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, flows,
                newClients, realServers);
    }

    public VirtualServiceConfig withFlows(FlowSettings newFlows) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, persistence,
                healthCheck, fallback, proxyProtocol, clientIdleTimeout, serverIdleTimeout, connectTimeout, newFlows, clients,
                realServers);
    }

    public VirtualServiceConfig withTimeouts(Duration clientIdle, Duration serverIdle, Duration connect) {
        return new VirtualServiceConfig(name, address, ports, protocol, layer, algorithm, persistence,
                healthCheck, fallback, proxyProtocol, clientIdle, serverIdle, connect, flows, clients, realServers);
    }
}
