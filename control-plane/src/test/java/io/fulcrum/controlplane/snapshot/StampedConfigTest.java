package io.fulcrum.controlplane.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StampedConfigTest {

    private static ConfigState.ConfiguredVirtualService service(String name) {
        return new ConfigState.ConfiguredVirtualService(new VirtualService(name, "127.0.0.10", List.of(80), "tcp", 7,
                "weighted-least-connections", new VirtualService.Persistence("none", null),
                new VirtualService.HealthCheck("connect", "2s", "2s", 2, 3, null, null, null),
                null, false, "12h", "12h", "5s", "5m", 10_000, 1L), List.of());
    }

    private final StampedConfig.Stamp a = new StampedConfig.Stamp(1, 1, 2, 3);
    private final StampedConfig.Stamp b = new StampedConfig.Stamp(2, 1, 2, 3);
    private final StampedConfig read = new StampedConfig(3, List.of(new StampedConfig.Entry(a, service("a")),
            new StampedConfig.Entry(b, service("b"))));

    @Test
    void anyMovedStampPartMarksTheServiceChanged() {
        assertEquals(List.of(), read.changedIds(List.of(a, b)));
        assertEquals(List.of(2L), read.changedIds(List.of(a, new StampedConfig.Stamp(2, 4, 2, 3))));
        assertEquals(List.of(2L), read.changedIds(List.of(a, new StampedConfig.Stamp(2, 1, 1, 3))), "a deleted real server");
        assertEquals(List.of(2L), read.changedIds(List.of(a, new StampedConfig.Stamp(2, 1, 2, 4))));
        assertEquals(List.of(5L), read.changedIds(List.of(a, b, new StampedConfig.Stamp(5, 4, 0, 0))), "a new service");
    }

    @Test
    void onlyAnUnbrokenRunOfCommitsMadeHereAllowsAnIncrementalRead() {
        assertEquals(true, read.coversOnlyStampedCommitsUpTo(5, version -> version == 4 || version == 5));
        assertEquals(true, read.coversOnlyStampedCommitsUpTo(3, version -> false), "nothing committed since");
        assertEquals(false, read.coversOnlyStampedCommitsUpTo(5, version -> version == 5));
        assertEquals(false, StampedConfig.NONE.coversOnlyStampedCommitsUpTo(0, version -> true));
    }

    @Test
    void nextKeepsUnchangedServicesTakesReadOnesAndDropsVanishedOnesInStampOrder() {
        StampedConfig.Stamp c = new StampedConfig.Stamp(5, 4, 0, 0);
        ConfigState.ConfiguredVirtualService readC = service("c");
        StampedConfig next = read.next(4, List.of(c, a), Map.of(5L, readC));
        assertEquals(4, next.version());
        assertEquals(List.of(readC, read.entries().get(0).configured()), next.state().virtualServices());
        assertSame(read.entries().get(0).configured(), next.entries().get(1).configured());
    }
}
