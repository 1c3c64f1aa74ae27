package io.fulcrum.controlplane.security;

import io.fulcrum.controlplane.api.HttpLimits;
import io.fulcrum.controlplane.api.ProblemException;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Plain HTTP is served to clients on this host's loopback only; everyone else must use HTTPS, so a
 * token never crosses a network in the clear twice. The refusal runs before every other route, on the
 * event loop, and closes the connection. The management port (health, metrics) is not affected.
 */
@ApplicationScoped
public class PlainHttpOnLoopback {

    private static final Logger LOG = Logger.getLogger(PlainHttpOnLoopback.class);
    /** Before HttpLimits (-3): a request refused for its scheme needs no other answer. */
    private static final int ORDER = -4;

    @ConfigProperty(name = "quarkus.http.ssl.certificate.files")
    Optional<String> certificate;
    @ConfigProperty(name = "quarkus.http.ssl-port")
    int httpsPort;
    @ConfigProperty(name = "quarkus.http.host")
    String host;

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    void onStart(@Observes StartupEvent event) {
        if (certificate.isEmpty() && !loopback(host)) {
            LOG.warnf("the REST API listens on %s without a TLS certificate (FULCRUM_TLS_CERT, FULCRUM_TLS_KEY):"
                    + " it answers clients on loopback only", host);
        }
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        if (request.isSSL() || fromLoopback(request.remoteAddress())) {
            context.next();
            return;
        }
        String detail = certificate.isPresent()
                ? "plain HTTP is served to loopback clients only; use https:// on port " + httpsPort
                : "plain HTTP is served to loopback clients only, and this control plane has no TLS certificate"
                        + " (FULCRUM_TLS_CERT, FULCRUM_TLS_KEY)";
        request.response().putHeader("Connection", "close")
                .endHandler(ignored -> request.connection().close());
        HttpLimits.answer(request, ProblemException.http(403, "https-required", "HTTPS required", "scheme", detail));
    }

    static boolean fromLoopback(SocketAddress remote) {
        if (remote == null || remote.hostAddress() == null) {
            return false;
        }
        return loopback(remote.hostAddress());
    }

    /** Whether a literal address (or a host name that resolves) is a loopback address; nothing is looked up for literals. */
    static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
