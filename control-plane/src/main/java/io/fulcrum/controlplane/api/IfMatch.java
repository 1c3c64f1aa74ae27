package io.fulcrum.controlplane.api;

import java.util.ArrayList;
import java.util.List;

/** A parsed If-Match header: absent, "*", or a list of strong entity tags. */
public final class IfMatch {

    private static final IfMatch ABSENT = new IfMatch(false, List.of());
    private final boolean any;
    private final List<String> tags;

    private IfMatch(boolean any, List<String> tags) {
        this.any = any;
        this.tags = tags;
    }

    public static IfMatch parse(String header) {
        if (header == null || header.isBlank()) {
            return ABSENT;
        }
        if (header.trim().equals("*")) {
            return new IfMatch(true, List.of());
        }
        List<String> tags = new ArrayList<>();
        for (String part : header.split(",")) {
            tags.add(part.trim());
        }
        return new IfMatch(false, tags);
    }

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    public boolean present() {
        return any || !tags.isEmpty();
    }

    /**
     * Checks the precondition against the resource's current version (null when it does not
     * exist); weak tags never match because If-Match uses strong comparison.
     */
    public void check(Long currentVersion) {
        if (!present()) {
            return;
        }
        if (currentVersion == null) {
            throw ProblemException.preconditionFailed("If-Match given but the resource does not exist");
        }
        if (!any && !tags.contains(etag(currentVersion))) {
            throw ProblemException.preconditionFailed("If-Match " + String.join(", ", tags)
                    + " does not match the current ETag " + etag(currentVersion));
        }
    }
}
