package io.fulcrum.testbed.e2e;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Statistical assertions on which real servers answered a series of connections. */
final class Shares {

    private Shares() {
    }

    static Map<String, Long> count(List<String> answers) {
        return answers.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Asserts the server answered expected ± tolerance of all answers. */
    static void assertShare(List<String> answers, String server, double expected, double tolerance) {
        Map<String, Long> counts = count(answers);
        double share = counts.getOrDefault(server, 0L) / (double) answers.size();
        System.out.println("share of " + server + ": " + Math.round(share * 1000) / 10.0 + "% of " + answers.size() + " " + counts);
        assertTrue(Math.abs(share - expected) <= tolerance,
                server + " got " + Math.round(share * 1000) / 10.0 + "% of " + answers.size() + " connections, expected "
                        + expected * 100 + "% ± " + tolerance * 100 + "%: " + counts);
    }
}
