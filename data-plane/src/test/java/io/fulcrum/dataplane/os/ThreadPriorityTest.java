package io.fulcrum.dataplane.os;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadPriorityTest {
    /** The kernel's view of the calling thread: field 19 of its stat line is its nice value. */
    private static int niceOfThisThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        // The command name (field 2) may hold spaces; the fields after it are counted from its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[19 - 3]);
    }

    @Test
    void theCallingThreadAloneGetsTheLowestPriority() throws Exception {
        int before = niceOfThisThread();
        int lowered = CompletableFuture.supplyAsync(() -> {
            try {
                assertTrue(ThreadPriority.lowerThisThreadToTheLowest());
                return niceOfThisThread();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, runnable -> Thread.ofPlatform().start(runnable)).get(10, TimeUnit.SECONDS);

        assertEquals(19, lowered);
        assertEquals(before, niceOfThisThread(), "the other threads keep theirs");
    }
}
