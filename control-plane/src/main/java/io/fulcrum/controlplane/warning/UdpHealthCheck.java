package io.fulcrum.controlplane.warning;

import io.fulcrum.controlplane.domain.HealthCheckType;
import io.fulcrum.controlplane.domain.Protocol;
import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;

/**
 * Warns when a UDP virtual service checks its real servers with a TCP dial (connect, or http) on
 * their own port: a UDP-only real server answers no TCP there, so every server would be marked
 * down. The write stays valid, since the real server may well serve TCP on that port too.
 */
public final class UdpHealthCheck {

    private UdpHealthCheck() {
    }

    public static List<Warning> forVirtualService(VirtualService service, String fieldPrefix) {
        VirtualService.HealthCheck check = service.healthCheck();
        if (service.protocol() != Protocol.UDP || check == null || check.port() != null
                || !(check.type() == HealthCheckType.CONNECT || check.type() == HealthCheckType.HTTP)) {
            return List.of();
        }
        return List.of(new Warning(fieldPrefix + "healthCheck.type", "healthCheck.type: " + check.type().json()
                + " opens a TCP connection to the real server's UDP port; a UDP-only real server fails it and is"
                + " marked down. Use \"udp\" (a datagram that must be answered), \"ping\", or set healthCheck.port to a"
                + " TCP port the real server answers on"));
    }
}
