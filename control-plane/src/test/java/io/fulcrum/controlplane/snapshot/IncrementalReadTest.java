package io.fulcrum.controlplane.snapshot;

import io.fulcrum.controlplane.Records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fulcrum.controlplane.virtualservice.VirtualService;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncrementalReadTest {

    private static ConfigState.ConfiguredVirtualService service(String name) {
        return new ConfigState.ConfiguredVirtualService(Records.tcp(name, 80), List.of());
    }

    private final IncrementalRead read = new IncrementalRead(3, List.of(service("a"), service("b"), service("c")));

    @Test
    void onlyAnUnbrokenRunOfLocalCommitsAllowsAnIncrementalRead() {
        assertTrue(read.coversOnlyLocalCommitsUpTo(5, version -> version == 4 || version == 5));
        assertTrue(read.coversOnlyLocalCommitsUpTo(3, version -> false), "nothing committed since");
        assertFalse(read.coversOnlyLocalCommitsUpTo(5, version -> version == 5));
        assertFalse(IncrementalRead.NONE.coversOnlyLocalCommitsUpTo(0, version -> true));
    }

    @Test
    void changedServicesAreTakenFromTheReadAndTheOthersKeptInTheirOrder() {
        ConfigState.ConfiguredVirtualService newB = service("b");
        IncrementalRead next = read.next(4, Set.of("b", "c"), Map.of("b", newB), null);
        assertEquals(4, next.version());
        assertEquals(List.of("a", "b"), next.virtualServices().stream().map(s -> s.virtualService().name()).toList());
        assertSame(read.virtualServices().get(0), next.virtualServices().get(0));
        assertSame(newB, next.virtualServices().get(1), "c was deleted");
    }

    @Test
    void addedServicesTakeTheirPlaceInTheReadOrder() {
        Map<String, ConfigState.ConfiguredVirtualService> added = Map.of("ab", service("ab"));
        assertTrue(read.gainsServices(added));
        assertFalse(read.gainsServices(Map.of("a", service("a"))));
        IncrementalRead next = read.next(4, Set.of("ab"), added, List.of("a", "ab", "b", "c"));
        assertEquals(List.of("a", "ab", "b", "c"),
                next.virtualServices().stream().map(s -> s.virtualService().name()).toList());
    }

    @Test
    void aServiceNeitherKnownNorReadIsAnError() {
        assertThrows(IllegalStateException.class, () -> read.next(4, Set.of(), Map.of(), List.of("a", "x")));
    }
}
