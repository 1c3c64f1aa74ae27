package io.fulcrum.dataplane.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The scheduling priority of the calling thread. On Linux the nice value belongs to a thread, not to
 * the process, and raising it needs no privilege.
 */
public final class ThreadPriority {
    private static final int PRIO_PROCESS = 0;
    /** The lowest priority: the thread runs when no thread of normal priority wants the CPU. */
    private static final int LOWEST = 19;
    private static final MethodHandle SETPRIORITY = setpriority();

    private ThreadPriority() {
    }

    /** Gives the calling thread the lowest priority; false where that is not possible (the thread runs as it did). */
    public static boolean lowerThisThreadToTheLowest() {
        if (SETPRIORITY == null) {
            return false;
        }
        try {
            // who = 0: the calling thread (Linux: the nice value is per thread).
            return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, 0, LOWEST) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    private static MethodHandle setpriority() {
        Linker linker = Linker.nativeLinker();
        return linker.defaultLookup().find("setpriority")
                .map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                .orElse(null);
    }
}
