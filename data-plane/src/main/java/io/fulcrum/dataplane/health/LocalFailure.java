package io.fulcrum.dataplane.health;

/**
 * Failures that are this node's, not a real server's: a socket it could not create (no descriptors,
 * no buffers) or a local port it could not get. They must never count against a real server.
 */
public final class LocalFailure {
    private LocalFailure() {
    }

    public static boolean is(Throwable cause) {
        String message = rootMessage(cause);
        return cause instanceof io.netty.channel.ChannelException || message.contains("Too many open files")
                || message.contains("No buffer space") || message.contains("Cannot assign requested address");
    }

    static String rootMessage(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }
}
