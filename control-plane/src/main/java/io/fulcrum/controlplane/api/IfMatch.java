package io.fulcrum.controlplane.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A parsed If-Match header: absent, "*", or a list of entity tags (RFC 9110 section 13.1.1). */
public final class IfMatch {

    private static final IfMatch ABSENT = new IfMatch(false, List.of());
    private static final Pattern ENTITY_TAG = Pattern.compile("(W/)?\"[\\x21\\x23-\\x7e]*\"");
    private static final String EXPECTED = "* or a comma-separated list of entity tags such as \"7\"";
    private final boolean any;
    private final List<String> tags;

    private IfMatch(boolean any, List<String> tags) {
        this.any = any;
        this.tags = tags;
    }

    /** Absent when the header is; a 400 naming If-Match when it is empty or not entity tags. */
    public static IfMatch parse(String header) {
        if (header == null) {
            return ABSENT;
        }
        if (header.isBlank()) {
            throw ProblemException.badRequest("If-Match", "If-Match: empty (expected " + EXPECTED + ")");
        }
        if (header.trim().equals("*")) {
            return new IfMatch(true, List.of());
        }
        List<String> tags = new ArrayList<>();
        for (String part : header.split(",", -1)) {
            String tag = part.trim();
            if (!ENTITY_TAG.matcher(tag).matches()) {
                String shown = header.length() > 40 ? header.substring(0, 37) + "..." : header;
                throw ProblemException.badRequest("If-Match", "If-Match: " + shown.replaceAll("\\p{Cntrl}", "?")
                        + " (expected " + EXPECTED + ")");
            }
            tags.add(tag);
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
