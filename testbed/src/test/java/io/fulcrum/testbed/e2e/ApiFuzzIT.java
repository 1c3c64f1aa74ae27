package io.fulcrum.testbed.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fulcrum.testbed.e2e.fuzz.ApiFuzz;
import io.fulcrum.testbed.e2e.fuzz.FuzzRequest;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * The REST API under generated hostile and random requests, against a control plane of its own:
 * no answer is a 5xx, every refusal is a problem+json naming a field, header or parameter and
 * leaves the database exactly as it was, every answer is one the OpenAPI document declares and
 * comes within a bound, and writes made from the document alone are mostly accepted.
 */
class ApiFuzzIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ApiFuzz fuzz;

    @BeforeContainer
    static void start() throws Exception {
        fuzz = ApiFuzz.start();
    }

    @AfterContainer
    static void stop() {
        if (fuzz != null) {
            fuzz.report(System.out);
            fuzz.close();
        }
    }

    @Property(tries = 10_000, shrinking = ShrinkingMode.OFF)
    void noHostileRequestFailsTheServerOrChangesAnythingWhenRefused(@ForAll("hostileWrites") FuzzRequest request)
            throws Exception {
        ApiFuzz.Outcome outcome = fuzz.send(request);
        check(request, outcome);
        Statistics.label("status").collect(outcome.answer().status() / 100 + "xx");
    }

    @Property(tries = 1_500, shrinking = ShrinkingMode.OFF)
    void writesMadeFromTheDocumentAloneAreMostlyAccepted(@ForAll("documentedWrites") FuzzRequest request)
            throws Exception {
        ApiFuzz.Outcome outcome = fuzz.send(request);
        check(request, outcome);
        int status = outcome.answer().status();
        // 404, 409 and 412 say what the state is, not whether the document was precise.
        if (status == 400) {
            // What the document could not say: the rules across fields that only the service checks.
            String field = JSON.readTree(outcome.answer().body()).path("errors").path(0).path("field").asText()
                    .replaceAll("\\[\\d+]", "[]");
            Statistics.label("refused for").collect(field);
        }
        if (status < 300 || status == 400) {
            Statistics.label("accepted").collect(status < 300);
            Statistics.label("accepted").coverage(coverage -> coverage.check(true).percentage(p -> p >= 50.0));
        }
    }

    private static void check(FuzzRequest request, ApiFuzz.Outcome outcome) throws Exception {
        var answer = outcome.answer();
        assertTrue(answer.status() < 500, () -> "answered " + answer.status() + " " + answer.body() + "\nto " + request);
        assertTrue(answer.took().compareTo(ApiFuzz.ANSWER_WITHIN) <= 0, () -> "took " + answer.took() + ": " + request);
        assertEquals("", outcome.contractViolations(), () -> "answer " + answer.status() + " " + answer.body()
                + "\nto " + request);
        if (answer.status() >= 400) {
            assertTrue(answer.contentType().startsWith("application/problem+json"), () -> answer.contentType() + " "
                    + answer.status() + " to " + request);
            JsonNode problem = JSON.readTree(answer.body());
            assertEquals(answer.status(), problem.path("status").asInt(), answer.body());
            assertTrue(problem.path("errors").size() > 0 && !problem.path("errors").get(0).path("field").asText().isEmpty(),
                    () -> "no field named in " + answer.body() + "\nto " + request);
            assertEquals(outcome.fingerprintBefore(), outcome.fingerprintAfter(),
                    () -> "a refused request (" + answer.status() + " " + answer.body() + ") changed the database: "
                            + request);
        }
    }

    @Provide
    Arbitrary<FuzzRequest> hostileWrites() {
        return Arbitraries.randomValue(random -> fuzz.requests().hostile(random));
    }

    @Provide
    Arbitrary<FuzzRequest> documentedWrites() {
        return Arbitraries.randomValue(random -> fuzz.requests().valid(random));
    }
}
