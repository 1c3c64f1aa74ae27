package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A snapshot applied while the node drains for its stop delay binds listeners that take nothing new either. */
class DrainingApplyTest {
    private final RuntimeFixture fixture = new RuntimeFixture();

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void listenersBoundWhileDrainingAreQuiescedToo() throws Exception {
        fixture.apply(1, service("web", "127.0.0.1", FreePorts.next(), realServer("rs", "127.0.0.21", 80)));
        fixture.runtime.beginDraining();
        int port = FreePorts.next();
        fixture.apply(2, service("late", "127.0.0.1", port, realServer("rs", "127.0.0.21", 80)));
        try (Socket client = new Socket()) {
            assertThrows(SocketTimeoutException.class, () -> client.connect(new InetSocketAddress("127.0.0.1", port), 500),
                    "a listener bound while draining neither takes nor refuses a new connection");
        }
    }
}
