package io.fulcrum.controlplane.validation;

import java.util.regex.Pattern;

/** The one rule for virtual service names and real server labels, which also appear in URLs. */
public final class Names {

    public static final String EXPECTED = "[A-Za-z0-9_.-]{1,64}";
    private static final Pattern NAME = Pattern.compile(EXPECTED);

    private Names() {
    }

    public static String accept(String text) {
        return NAME.matcher(text).matches() ? text : null;
    }
}
