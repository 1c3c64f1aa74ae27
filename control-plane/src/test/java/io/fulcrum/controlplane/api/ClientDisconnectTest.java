package io.fulcrum.controlplane.api;

import static io.fulcrum.controlplane.Fixtures.uniqueName;
import static io.fulcrum.controlplane.Fixtures.vsPath;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fulcrum.controlplane.Poll;
import io.fulcrum.controlplane.RawHttp;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A client that leaves in the middle of its request costs a DEBUG line, never an ERROR. */
@QuarkusTest
class ClientDisconnectTest {

    @Test
    void aClientThatLeavesMidBodyLeavesNoErrorInTheLog() {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        root.addHandler(capture);
        try {
            String json = " HTTP/1.1\r\nContent-Type: application/json\r\n";
            byte[] part = new byte[100_000];
            java.util.Arrays.fill(part, (byte) ' ');
            for (int i = 0; i < 5; i++) {
                RawHttp.abandon("PUT " + vsPath(uniqueName("gone")) + json + "Content-Length: 1000",
                        "{\"address\":".getBytes(StandardCharsets.UTF_8));
                RawHttp.abandon("PUT " + vsPath(uniqueName("gone")) + json + "Transfer-Encoding: chunked",
                        "10\r\n{\"address\":".getBytes(StandardCharsets.UTF_8));
                RawHttp.abandon("PUT " + vsPath(uniqueName("gone")) + json + "Content-Length: 200000", part);
            }
            // Which of them the server was already reading when the client left depends on timing;
            // at least one it was, and that one must end as a DEBUG line.
            Poll.until("the server to notice a body that ended early", Duration.ofSeconds(20), () -> records.stream()
                    .anyMatch(r -> r.getMessage() != null && r.getMessage().contains("ended early")));
            given().get("/api/v1/overview").then().statusCode(200);
            assertEquals(List.of(), records.stream().filter(r -> r.getLevel().intValue() >= Level.SEVERE.intValue())
                    .map(r -> r.getLoggerName() + ": " + r.getMessage()).toList());
        } finally {
            root.removeHandler(capture);
        }
    }
}
