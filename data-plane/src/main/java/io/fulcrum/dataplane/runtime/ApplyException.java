package io.fulcrum.dataplane.runtime;

/** A snapshot was refused; the message is the reason sent back to the control plane. */
public final class ApplyException extends Exception {
    public ApplyException(String reason) {
        super(reason);
    }

    public ApplyException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
