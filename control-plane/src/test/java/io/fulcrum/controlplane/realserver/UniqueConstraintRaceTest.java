package io.fulcrum.controlplane.realserver;

import static io.fulcrum.controlplane.Fixtures.createVirtualService;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.realServer;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** Concurrent writers that all pass the application's checks still leave exactly one winner. */
@QuarkusTest
class UniqueConstraintRaceTest {

    private static final int WRITERS = 6;

    @Test
    void concurrentCreatesOfOneLabelLeaveOneRealServer() throws Exception {
        String vs = createVirtualService();
        List<Integer> statuses = race(i -> json().body(realServer("same", "127.0.0." + (30 + i)))
                .post(vsPath(vs) + "/real-servers").statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(WRITERS - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        assertEquals(1, given().get(vsPath(vs) + "/real-servers").jsonPath().getList("$").size());
    }

    @Test
    void concurrentServicesOnOneListenerLeaveOne() throws Exception {
        String address = uniqueAddress();
        String prefix = uniqueName("race");
        List<Integer> statuses = race(i -> json().body(virtualService(prefix + "-" + i, address, 443))
                .put(vsPath(prefix + "-" + i)).statusCode());
        assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
        assertEquals(WRITERS - 1, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    }

    private static List<Integer> race(IntFunction<Integer> write) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    start.await();
                    return write.apply(n);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> result : results) {
                statuses.add(result.get(30, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}
