package io.fulcrum.dataplane.runtime;

import io.fulcrum.dataplane.config.AdminState;
import io.fulcrum.dataplane.config.Algorithm;
import io.fulcrum.dataplane.config.RealServerConfig;
import io.fulcrum.dataplane.config.VirtualServiceConfig;
import io.fulcrum.dataplane.testing.FreePorts;
import io.fulcrum.dataplane.testing.RuntimeFixture;
import io.fulcrum.dataplane.testing.TestClient;
import io.fulcrum.dataplane.testing.TestRealServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.fulcrum.dataplane.testing.RuntimeFixture.realServer;
import static io.fulcrum.dataplane.testing.RuntimeFixture.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ApplyRaceTest {
    private static final int CONNECTIONS = 300;
    private final RuntimeFixture fixture = new RuntimeFixture();
    private final int port = FreePorts.next();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void connectionsArrivingDuringAppliesAreAllServed() throws Exception {
        try (TestRealServer a = TestRealServer.start("a", "127.0.0.1", 0);
             TestRealServer b = TestRealServer.start("b", "127.0.0.1", 0)) {
            RealServerConfig stable = realServer("a", "127.0.0.1", a.port());
            RealServerConfig changing = realServer("b", "127.0.0.1", b.port());
            VirtualServiceConfig base = service("web", "127.0.0.1", port, stable, changing);
            fixture.apply(1, base);

            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicInteger served = new AtomicInteger();
            Thread clients = new Thread(() -> {
                for (int i = 0; i < CONNECTIONS; i++) {
                    try (TestClient client = new TestClient("127.0.0.1", port)) {
                        String greeting = client.readLine();
                        if (Set.of("a", "b").contains(greeting)) {
                            served.incrementAndGet();
                        } else {
                            failures.add("greeting " + greeting);
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "clients");
            clients.start();
            Algorithm[] algorithms = Algorithm.values();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // Keep applying for as long as clients connect, so applies and accepts interleave.
            for (int version = 2; clients.isAlive() && System.nanoTime() < deadline; version++) {
                RealServerConfig second = switch (version % 4) {
                    case 0 -> changing.withWeight(version);
                    case 1 -> changing.withState(AdminState.DRAIN);
                    case 2 -> changing.withState(AdminState.HALT);
                    default -> changing.withLimits(1, 2);
                };
                fixture.apply(version, base.withRealServers(List.of(stable.withWeight(100 + version), second))
                        .withAlgorithm(algorithms[version % algorithms.length]));
            }
            clients.join(TimeUnit.SECONDS.toMillis(10));
            assertEquals(List.of(), failures);
            assertEquals(CONNECTIONS, served.get());
        }
    }
}
