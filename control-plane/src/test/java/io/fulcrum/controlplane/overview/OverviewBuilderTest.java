package io.fulcrum.controlplane.overview;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OverviewBuilderTest {

    private static Overview.RealServerStatus server(String state, int weight, String health) {
        return new Overview.RealServerStatus("rs", "127.0.0.1", null, weight, state, health, null, 0, 0, 0, 0, Map.of());
    }

    @Test
    void healthIsUnknownWithoutReports() {
        assertEquals("unknown", OverviewBuilder.combinedHealth(Map.of()));
    }

    @Test
    void oneNodeSeeingItDownMakesItDown() {
        assertEquals("down", OverviewBuilder.combinedHealth(Map.of("a", "up", "b", "down")));
    }

    @Test
    void everyNodeSeeingItUpMakesItUp() {
        assertEquals("up", OverviewBuilder.combinedHealth(Map.of("a", "up", "b", "up")));
    }

    @Test
    void mixedUpAndUnknownIsUnknown() {
        assertEquals("unknown", OverviewBuilder.combinedHealth(Map.of("a", "up", "b", "unknown")));
    }

    @Test
    void serviceIsUpWhenEveryOnlineServerIsUp() {
        assertEquals("up", OverviewBuilder.status(List.of(server("online", 100, "up"), server("drain", 100, "down"))));
    }

    @Test
    void serviceWithoutRealServersIsDown() {
        assertEquals("down", OverviewBuilder.status(List.of()));
    }

    @Test
    void serviceIsDownWhenNoServerCanTakeConnections() {
        assertEquals("down", OverviewBuilder.status(List.of(server("online", 100, "down"), server("drain", 100, "up"),
                server("online", 0, "up"))));
    }

    @Test
    void serviceIsDegradedWhenSomeOnlineServerIsNotUp() {
        assertEquals("degraded", OverviewBuilder.status(List.of(server("online", 100, "up"), server("online", 100, "down"))));
        assertEquals("degraded", OverviewBuilder.status(List.of(server("online", 100, "unknown"))));
    }

    @Test
    void drainedOnlyServiceWithHealthyServersIsDown() {
        assertEquals("down", OverviewBuilder.status(List.of(server("drain", 100, "up"), server("halt", 100, "up"))));
    }
}
