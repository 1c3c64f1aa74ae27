package io.fulcrum.controlplane.validation;

import io.fulcrum.controlplane.api.FieldError;
import io.fulcrum.controlplane.api.ProblemException;
import io.fulcrum.controlplane.domain.Limits;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects what is wrong with a request: every violation is counted, the first
 * {@link Limits#REPORTED_ERRORS} are kept, so a hostile document with a million faults costs a
 * counter, not a million messages.
 */
public final class Violations {

    private final List<FieldError> reported = new ArrayList<>();
    private int count;

    public void add(String field, String message) {
        count++;
        if (reported.size() < Limits.REPORTED_ERRORS) {
            reported.add(new FieldError(field, message));
        }
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public int count() {
        return count;
    }

    /** Throws the 400 answer listing the reported violations, when there are any. */
    public void throwIfAny() {
        if (count > 0) {
            throw ProblemException.validation(reported, count);
        }
    }
}
