package io.fulcrum.controlplane.declarative;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fulcrum.controlplane.domain.Limits;
import io.fulcrum.controlplane.warning.Warning;
import java.util.List;

/**
 * What applying a configuration document does (or did): resource paths to create, replace and
 * delete, the configuration version after it (the current one for a dry run or no change), and
 * warnings about the document (present only when there are any: the first
 * {@link Limits#REPORTED_WARNINGS}, and warningCount in all).
 */
@JsonPropertyOrder({"dryRun", "changed", "configVersion", "create", "replace", "delete", "warnings", "warningCount"})
public record ConfigPlan(boolean dryRun, boolean changed, long configVersion, List<String> create,
        List<String> replace, List<String> delete,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Warning> warnings,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer warningCount) {

    static ConfigPlan of(boolean dryRun, boolean changed, long configVersion, List<String> create,
            List<String> replace, List<String> delete, List<Warning> warnings) {
        return new ConfigPlan(dryRun, changed, configVersion, create, replace, delete,
                warnings.subList(0, Math.min(warnings.size(), Limits.REPORTED_WARNINGS)),
                warnings.isEmpty() ? null : warnings.size());
    }
}
