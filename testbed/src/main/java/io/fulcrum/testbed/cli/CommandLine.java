package io.fulcrum.testbed.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses "--name value" arguments (a name may repeat) for the testbed's small command-line tools. */
public final class CommandLine {

    private final Map<String, List<String>> values;

    private CommandLine(Map<String, List<String>> values) {
        this.values = values;
    }

    /** Parses the arguments, accepting only the given option names. */
    public static CommandLine parse(String[] args, String... accepted) {
        List<String> known = List.of(accepted);
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
                throw new UsageException("unknown argument " + arg + " (expected one of --" + String.join(", --", known) + ")");
            }
            if (i + 1 >= args.length) {
                throw new UsageException("missing value for " + arg);
            }
            values.computeIfAbsent(arg.substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
        return new CommandLine(values);
    }

    public String required(String name) {
        List<String> given = all(name);
        if (given.isEmpty()) {
            throw new UsageException("--" + name + " is required");
        }
        return given.get(given.size() - 1);
    }

    public String optional(String name, String fallback) {
        List<String> given = all(name);
        return given.isEmpty() ? fallback : given.get(given.size() - 1);
    }

    public int requiredPort(String name) {
        String text = required(name);
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below with the accepted range
        }
        throw new UsageException("--" + name + " " + text + " (expected 1..65535)");
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** A command-line mistake: the tools print its message and exit with status 2. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
