package io.fulcrum.controlplane.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DurationTextTest {

    @ParameterizedTest
    @CsvSource({"500ms,500ms", "1000ms,1s", "60s,1m", "6m,6m", "360m,6h", "12h,12h", "48h,2d", "90s,90s", "1500ms,1500ms"})
    void durationsRenderInTheLargestExactUnit(String input, String canonical) {
        assertEquals(canonical, DurationText.format(DurationText.parse(input).orElseThrow()));
    }

    @ParameterizedTest
    @CsvSource({"''", "5", "5 s", "-1s", "1.5s", "5S", "1w", "s", "0s", "05s", "0ms", "12345678901s", "' 5s'", "'5s '"})
    void malformedDurationsAreRefused(String input) {
        assertTrue(DurationText.parse(input).isEmpty(), input);
    }

    @Test
    void theLargestAmountOfTheLargestUnitParsesWithoutOverflow() {
        assertEquals(Duration.ofDays(9_999_999_999L), DurationText.parse("9999999999d").orElseThrow());
    }
}
