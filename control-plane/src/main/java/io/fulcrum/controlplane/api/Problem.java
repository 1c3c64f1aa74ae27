package io.fulcrum.controlplane.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The RFC 9457 problem document every error of the API is rendered as. errors lists at most the
 * first violations; errorCount is how many there were in all.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance", "errors", "errorCount"})
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors,
        Integer errorCount) {

    public static final String MEDIA_TYPE = "application/problem+json";

    static Problem of(ProblemException problem, String instance) {
        return new Problem("urn:fulcrum:problem:" + problem.kind(), problem.title(), problem.status(),
                problem.getMessage(), instance, problem.errors(),
                problem.errors() == null ? null : problem.errorCount());
    }
}
