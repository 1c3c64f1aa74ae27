package io.fulcrum.dataplane;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code --log-format json}: one JSON object per line, for log shippers:
 * {@code {"timestamp":"...","level":"INFO","loggerName":"...","message":"...","node":"..."}}, and
 * {@code "exception"} with the stack trace when there is one (the field names of the control plane's
 * JSON logs).
 */
final class JsonLogFormatter extends Formatter {
    private final String nodeId;

    JsonLogFormatter(String nodeId) {
        this.nodeId = nodeId;
    }

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160).append('{');
        field(line, "timestamp", Instant.ofEpochMilli(record.getMillis()).toString()).append(',');
        field(line, "level", record.getLevel().getName()).append(',');
        field(line, "loggerName", record.getLoggerName() == null ? "" : record.getLoggerName()).append(',');
        field(line, "message", formatMessage(record)).append(',');
        field(line, "node", nodeId);
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            field(line.append(','), "exception", trace.toString());
        }
        return line.append("}\n").toString();
    }

    private static StringBuilder field(StringBuilder out, String name, String value) {
        out.append('"').append(name).append("\":\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"');
    }
}
