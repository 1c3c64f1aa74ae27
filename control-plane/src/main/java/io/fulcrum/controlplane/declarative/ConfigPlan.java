package io.fulcrum.controlplane.declarative;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * What applying a configuration document does (or did): resource paths to create, replace and
 * delete, and the configuration version after it (the current one for a dry run or no change).
 */
@JsonPropertyOrder({"dryRun", "changed", "configVersion", "create", "replace", "delete"})
public record ConfigPlan(boolean dryRun, boolean changed, long configVersion, List<String> create,
        List<String> replace, List<String> delete) {
}
