package io.fulcrum.dataplane;

import java.util.logging.LogManager;

/**
 * The JDK resets logging in its own shutdown hook, racing ours, so the drain messages of a
 * stopping node would be lost; once the node runs, this manager ignores that reset.
 */
public final class NodeLogManager extends LogManager {
    private static volatile boolean keepHandlers;

    static void keepHandlersUntilHalt() {
        keepHandlers = true;
    }

    @Override
    public void reset() {
        if (!keepHandlers) {
            super.reset();
        }
    }
}
