package io.fulcrum.controlplane.virtualservice;

import static io.fulcrum.controlplane.Fixtures.configVersion;
import static io.fulcrum.controlplane.Fixtures.json;
import static io.fulcrum.controlplane.Fixtures.uniqueAddress;
import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.virtualService;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Concurrent writers: versions stay gapless and unique, and If-Match lets exactly one of them win. */
@QuarkusTest
class ConcurrentWriteRaceTest {

    private static final int WRITERS = 8;

    @Test
    void concurrentWritesToDifferentServicesAllSucceedWithGaplessVersions() throws Exception {
        long start = configVersion();
        String prefix = uniqueName("parallel");
        List<Response> responses = race(i -> json().body(virtualService(prefix + "-" + i, uniqueAddress(), 80))
                .put(vsPath(prefix + "-" + i)));
        responses.forEach(r -> assertEquals(201, r.statusCode(), r.asString()));
        Set<Long> versions = responses.stream().map(r -> Long.parseLong(r.header("Fulcrum-Config-Version")))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<Long> expected = LongStream.rangeClosed(start + 1, start + WRITERS).boxed()
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, versions);
        assertEquals(start + WRITERS, configVersion());
        List<Integer> audited = given().get("/api/v1/audit?limit=" + WRITERS).jsonPath().getList("configVersion");
        assertEquals(expected, audited.stream().map(Integer::longValue).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void concurrentPatchesWithOneIfMatchLetExactlyOneWin() throws Exception {
        String name = uniqueName("contended");
        String etag = json().body(virtualService(name, uniqueAddress(), 80)).put(vsPath(name)).header("ETag");
        List<Response> responses = race(i -> json().header("If-Match", etag)
                .contentType("application/merge-patch+json").body("{\"ports\": [" + (1000 + i) + "]}")
                .patch(vsPath(name)));
        List<Integer> statuses = responses.stream().map(Response::statusCode).toList();
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(WRITERS - 1, statuses.stream().filter(s -> s == 412).count(), statuses.toString());
        Response winner = responses.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        given().get(vsPath(name)).then().statusCode(200)
                .header("ETag", winner.header("ETag"));
    }

    private static List<Response> race(IntFunction<Response> write) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                int n = i;
                Callable<Response> call = () -> {
                    start.await();
                    return write.apply(n);
                };
                futures.add(pool.submit(call));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> future : futures) {
                responses.add(future.get(30, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
