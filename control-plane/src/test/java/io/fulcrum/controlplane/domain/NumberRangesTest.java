package io.fulcrum.controlplane.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumberRangesTest {

    @ParameterizedTest(name = "{0}..{1}")
    @CsvSource({"1,9", "1,10", "1,100", "7,7", "3,1234", "100,3600000", "1,2073600000", "99,101", "19,2001",
            "1,60", "1,300000", "5,5000", "1000,1999"})
    void theRegexMatchesExactlyTheNumbersOfTheRange(long low, long high) {
        Pattern pattern = Pattern.compile("^(" + NumberRanges.regex(low, high) + ")$");
        long from = Math.max(0, low - 3000);
        long to = Math.min(high + 3000, from + 3_000_000);
        for (long n = from; n <= to; n++) {
            assertEquals(n >= low && n <= high, pattern.matcher(Long.toString(n)).matches(), n + " in " + low + ".." + high);
        }
        for (long n = Math.max(low, high - 3000); n <= high + 3000; n++) {
            assertEquals(n <= high, pattern.matcher(Long.toString(n)).matches(), n + " in " + low + ".." + high);
        }
        assertEquals(false, pattern.matcher("0" + low).matches(), "leading zero");
    }

    @Test
    void aDurationPatternAcceptsExactlyTheDurationsOfItsRange() {
        Pattern pattern = Pattern.compile(DurationText.pattern(Duration.ofMillis(100), Duration.ofHours(1)));
        for (String yes : new String[] {"100ms", "3600000ms", "1s", "3600s", "60m", "1h"}) {
            assertEquals(true, pattern.matcher(yes).matches(), yes);
        }
        for (String no : new String[] {"99ms", "3600001ms", "0s", "3601s", "61m", "2h", "1d", "05s", "1500"}) {
            assertEquals(false, pattern.matcher(no).matches(), no);
        }
    }
}
