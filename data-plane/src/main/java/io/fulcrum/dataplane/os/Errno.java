package io.fulcrum.dataplane.os;

/** The errno values the relay acts on (Linux, x86-64), and what to call them in a log line. */
public final class Errno {
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int EPIPE = 32;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int EADDRNOTAVAIL = 99;
    public static final int EINPROGRESS = 115;

    private Errno() {
    }

    /**
     * Failures that are this node's, not a real server's: no descriptor, no buffer, no memory, no local
     * port. They must never count against a real server.
     */
    public static boolean isLocal(int errno) {
        return errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM || errno == EADDRNOTAVAIL;
    }

    /** The message libc's strerror gives for the values above, else "errno N". */
    public static String describe(int errno) {
        return switch (errno) {
            case EINTR -> "Interrupted system call";
            case EAGAIN -> "Resource temporarily unavailable";
            case ENOMEM -> "Cannot allocate memory";
            case ENFILE -> "Too many open files in system";
            case EMFILE -> "Too many open files";
            case EPIPE -> "Broken pipe";
            case ENOBUFS -> "No buffer space available";
            case ENOTCONN -> "Transport endpoint is not connected";
            case ETIMEDOUT -> "Connection timed out";
            case ECONNREFUSED -> "Connection refused";
            case EHOSTUNREACH -> "No route to host";
            case ENETUNREACH -> "Network is unreachable";
            case ECONNRESET -> "Connection reset by peer";
            case EADDRNOTAVAIL -> "Cannot assign requested address";
            case EINPROGRESS -> "Operation now in progress";
            default -> "errno " + errno;
        };
    }
}
