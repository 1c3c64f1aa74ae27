package io.fulcrum.dataplane;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One JSON object per line, whatever the message holds. */
class JsonLogFormatterTest {

    @Test
    void aRecordIsOneLineOfJsonWithItsTextEscaped() {
        LogRecord record = new LogRecord(Level.WARNING, "real server \"a\\b\"\ndown\t(\u0001)");
        record.setLoggerName("io.fulcrum.dataplane.health");
        record.setMillis(0);
        String line = new JsonLogFormatter("node-1").format(record);
        assertEquals("{\"timestamp\":\"1970-01-01T00:00:00Z\",\"level\":\"WARNING\",\"loggerName\":\"io.fulcrum.dataplane.health\","
                + "\"message\":\"real server \\\"a\\\\b\\\"\\ndown\\t(\\u0001)\",\"node\":\"node-1\"}\n", line);
    }

    @Test
    void aStackTraceGoesIntoOneField() {
        LogRecord record = new LogRecord(Level.SEVERE, "failed");
        record.setThrown(new IllegalStateException("boom"));
        String line = new JsonLogFormatter("n").format(record);
        assertEquals(1, line.split("\n", -1).length - 1, "one line");
        assertTrue(line.contains("\"exception\":\"java.lang.IllegalStateException: boom\\n\\tat "), line);
    }
}
