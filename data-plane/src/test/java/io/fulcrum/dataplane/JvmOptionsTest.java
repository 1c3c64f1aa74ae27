package io.fulcrum.dataplane;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The methods deploy/jvm/data-plane.options names in a {@code -XX:CompileCommand} exist in the JDK the
 * node runs on. The JVM ignores a command whose method is gone without a word, so a JDK that renamed one
 * would quietly bring back what the command removed (deploy/README.md says what each is for); this test
 * is where such a JDK shows up.
 */
class JvmOptionsTest {
    private static final Path OPTIONS = Path.of("..", "deploy", "jvm", "data-plane.options");

    @Test
    void everyMethodACompileCommandNamesExistsInThisJdk() throws IOException {
        List<String> patterns = Files.readAllLines(OPTIONS).stream()
                .map(String::strip)
                .filter(line -> line.startsWith("-XX:CompileCommand=") && line.contains(","))
                .map(line -> line.substring(line.indexOf(',') + 1))
                .toList();
        assertFalse(patterns.isEmpty(), "no CompileCommand naming a method in " + OPTIONS);
        for (String pattern : patterns) {
            int separator = pattern.indexOf("::");
            assertTrue(separator > 0, "expected Class::method, got " + pattern);
            String method = pattern.substring(separator + 2);
            Class<?> type;
            try {
                type = Class.forName(pattern.substring(0, separator), false, ClassLoader.getSystemClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError(OPTIONS + " names " + pattern + ", but this JDK ("
                        + Runtime.version() + ") has no such class: revisit the option", e);
            }
            assertTrue(Arrays.stream(type.getDeclaredMethods()).map(Method::getName).anyMatch(method::equals),
                    OPTIONS + " names " + pattern + ", but this JDK (" + Runtime.version()
                            + ") has no such method: revisit the option");
        }
    }
}
