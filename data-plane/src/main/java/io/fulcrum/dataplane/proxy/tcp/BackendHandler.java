package io.fulcrum.dataplane.proxy.tcp;

/** Relays what the real server sends back to the client. */
final class BackendHandler extends RelayHandler {
    BackendHandler(ProxiedConnection connection) {
        super(connection);
    }
}
