package io.fulcrum.controlplane.validation;

import io.fulcrum.controlplane.domain.Limits;
import java.util.regex.Pattern;

/**
 * The one rule for virtual service names and real server labels, which are also path segments of
 * their URLs: letters, digits, '_', '.', '-', and never "." or "..", which no URL can address.
 */
public final class Names {

    public static final String EXPECTED = "1.." + Limits.NAME_CHARS + " of [A-Za-z0-9_.-], not . or ..";
    /** The same rule as the OpenAPI document writes it. */
    public static final String PATTERN = "^(?!\\.\\.?$)[A-Za-z0-9_.-]{1," + Limits.NAME_CHARS + "}$";
    private static final Pattern NAME = Pattern.compile(PATTERN);

    private Names() {
    }

    public static String accept(String text) {
        return NAME.matcher(text).matches() ? text : null;
    }
}
