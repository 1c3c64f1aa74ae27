package io.fulcrum.controlplane.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({"500ms,500ms", "1000ms,1s", "60s,1m", "6m,6m", "360m,6h", "12h,12h", "48h,2d", "90s,90s", "1500ms,1500ms"})
    void durationsRenderInTheLargestExactUnit(String input, String canonical) {
        assertEquals(canonical, Durations.format(Durations.parseMillis(input)));
    }

    @ParameterizedTest
    @CsvSource({"''", "5", "5 s", "-1s", "1.5s", "5S", "1w", "s"})
    void malformedDurationsAreRefused(String input) {
        assertEquals(-1, Durations.parseMillis(input));
    }
}
