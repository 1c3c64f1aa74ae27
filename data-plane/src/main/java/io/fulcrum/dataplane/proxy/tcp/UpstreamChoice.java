package io.fulcrum.dataplane.proxy.tcp;

import io.fulcrum.dataplane.balance.RealServer;
import io.fulcrum.dataplane.config.Endpoint;
import io.fulcrum.dataplane.os.Errno;
import io.fulcrum.dataplane.proxy.ProxiedService;

import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.Set;

/**
 * Which upstream one client's connection goes to: up to three real servers, each one not tried
 * before and reserved by the selector (persistence first, then the algorithm), then the service's
 * fallback, then none (the client is refused). Keeps the reservation of the current real server until
 * it is released, and says what a failed connect means: a failure the real server caused counts
 * against it (passive failure detection), one the node caused (no descriptor, no local port, no
 * buffer) never does. Used on the pair's event loop only.
 */
final class UpstreamChoice {
    static final int MAX_TRIES = 3;
    private static final System.Logger LOG = System.getLogger(UpstreamChoice.class.getName());

    private final ProxiedService service;
    private final InetAddress client;
    /** The port the client connected to, for real servers without a port of their own. */
    private final int clientsPort;
    private RealServer server;
    private RealServer tried1;
    private RealServer tried2;
    private int tries;
    private boolean fallback;
    private InetAddress address;
    private int port;

    UpstreamChoice(ProxiedService service, InetAddress client, int clientsPort) {
        this.service = service;
        this.client = client;
        this.clientsPort = clientsPort;
    }

    /** Picks (and reserves) the next upstream; false when none is left. */
    boolean next() {
        RealServer candidate = tries < MAX_TRIES ? service.selector().select(client, tried()) : null;
        if (candidate != null) {
            if (tries > 0) {
                service.counters().retried();
            }
            if (tries == 0) {
                tried1 = candidate;
            } else if (tries == 1) {
                tried2 = candidate;
            }
            tries++;
            server = candidate;
            address = candidate.config().address();
            port = following(candidate.config().port());
            return true;
        }
        Endpoint endpoint = service.config().fallback();
        if (endpoint == null || fallback) {
            return false;
        }
        fallback = true;
        server = null;
        address = endpoint.address();
        port = following(endpoint.port());
        return true;
    }

    private Set<RealServer> tried() {
        return firstTried(tries);
    }

    /** The servers tried before the current one: none, and no allocation, for a first-try connection. */
    private Set<RealServer> triedBefore() {
        return firstTried(tries - 1);
    }

    private Set<RealServer> firstTried(int count) {
        return count <= 0 ? Set.of() : count == 1 ? Set.of(tried1) : Set.of(tried1, tried2);
    }

    // Port 0 follows the port the client connected to.
    private int following(int configured) {
        return configured == 0 ? clientsPort : configured;
    }

    /** Whether no upstream was picked yet (the pair's first connect). */
    boolean first() {
        return tries == 0 && !fallback;
    }

    InetAddress address() {
        return address;
    }

    int port() {
        return port;
    }

    /** The real server connected to (or being connected to); null for the fallback. */
    RealServer server() {
        return server;
    }

    /** The connect succeeded: the real server holds the client (and persistence pins it there). */
    void connected() {
        if (server != null) {
            server.connectionEstablished();
            server.upstreamAnswered();
            service.selector().connected(client, server, triedBefore());
        } else {
            service.counters().fallbackUsed();
        }
    }

    /** The connect failed with {@code errno}: the reservation is given back, the failure recorded. */
    void failed(int errno) {
        String target = address.getHostAddress() + ":" + port;
        if (server == null) {
            LOG.log(Level.DEBUG, "connect to fallback {0}: {1}", target, Errno.describe(errno));
            return;
        }
        RealServer failed = server;
        server = null;
        failed.connectFailed();
        failed.release();
        if (!Errno.isLocal(errno)) {
            failed.upstreamFailed("connect to " + target + ": " + Errno.describe(errno));
        }
        LOG.log(Level.DEBUG, "connect to {0} failed: {1}", target, Errno.describe(errno));
    }

    /** Gives the current reservation back (the pair closed, or abandoned its connect). */
    void release() {
        if (server != null) {
            server.release();
            server = null;
        }
    }
}
