package io.fulcrum.controlplane.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;

/**
 * One log line per committed change, with who made it: a real server's admin state change reads
 * {@code version 12 by ops: patch /api/v1/virtual-services/Web/real-servers/a: state online -> drain}. A large
 * declarative apply logs its first {@link #MAX_LINES} changes and how many more the audit log holds.
 */
@ApplicationScoped
public class ChangeLog {
    static final int MAX_LINES = 20;
    private static final Logger LOG = Logger.getLogger(ChangeLog.class);

    @Inject
    ObjectMapper json;

    void onCommit(@Observes(during = TransactionPhase.AFTER_SUCCESS) ConfigCommitted committed) {
        List<Change> changes = committed.changes();
        for (int i = 0; i < Math.min(MAX_LINES, changes.size()); i++) {
            Change change = changes.get(i);
            String detail = detail(change);
            LOG.infof("version %d by %s: %s %s%s", committed.version(), committed.principal(), change.action().json(),
                    change.resource(), detail.isEmpty() ? "" : ": " + detail);
        }
        if (changes.size() > MAX_LINES) {
            LOG.infof("version %d by %s: %d more changes (GET /api/v1/audit)", committed.version(), committed.principal(),
                    changes.size() - MAX_LINES);
        }
    }

    /** The fields a change set, as {@code field before -> after}, for the top-level fields that differ. */
    private String detail(Change change) {
        if (change.before() == null || change.after() == null) {
            return "";
        }
        try {
            JsonNode before = json.readTree(change.before());
            JsonNode after = json.readTree(change.after());
            List<String> changed = new ArrayList<>();
            after.fieldNames().forEachRemaining(field -> {
                if (!field.equals("version") && !after.get(field).equals(before.get(field))) {
                    changed.add(field + " " + shown(before.get(field)) + " -> " + shown(after.get(field)));
                }
            });
            return String.join(", ", changed);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String shown(JsonNode value) {
        if (value == null || value.isNull()) {
            return "none";
        }
        String text = value.isTextual() ? value.asText() : value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
