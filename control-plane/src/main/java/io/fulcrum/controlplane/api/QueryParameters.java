package io.fulcrum.controlplane.api;

import io.fulcrum.controlplane.domain.DurationText;
import io.fulcrum.controlplane.domain.Limits;
import java.time.Duration;
import java.util.Optional;

/**
 * Strict parsing of query parameter values, each checked before anything is read or written:
 * a flag is exactly {@code true} or {@code false}, so {@code ?dryRun=1} can never mean "apply".
 * Which parameters an operation takes, and that none is repeated, {@link ApiGate} checks first.
 */
public final class QueryParameters {

    private QueryParameters() {
    }

    /** {@code fallback} when absent; true or false; anything else (also an empty value) is a 400. */
    public static boolean flag(String name, String text, boolean fallback) {
        if (text == null) {
            return fallback;
        }
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw ProblemException.badRequest(name, name + ": " + shown(text) + " (expected true | false)");
        };
    }

    /** {@code ?wait=}: null when absent, else a duration from 1ms to 60s. */
    public static Duration wait(String text) {
        if (text == null) {
            return null;
        }
        Optional<Duration> wait = DurationText.parse(text);
        if (wait.isEmpty() || wait.get().compareTo(Limits.WAIT_MAX) > 0) {
            throw ProblemException.badRequest("wait", "wait: " + shown(text) + " (expected <int>(ms|s|m|h|d) from 1ms to "
                    + DurationText.format(Limits.WAIT_MAX) + ")");
        }
        return wait.get();
    }

    /** An integer from {@code min} to {@code max}, {@code fallback} when absent. */
    public static int integer(String name, String text, int fallback, int min, int max) {
        if (text == null) {
            return fallback;
        }
        if (text.matches("0|[1-9][0-9]{0,9}")) {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return (int) value;
            }
        }
        throw ProblemException.badRequest(name, name + ": " + shown(text) + " (expected " + min + ".." + max + ")");
    }

    private static String shown(String text) {
        String cut = text.length() > 40 ? text.substring(0, 37) + "..." : text;
        return cut.isEmpty() ? "empty" : cut.replaceAll("\\p{Cntrl}", "?");
    }
}
