package io.fulcrum.dataplane.config;

/** Whether later connections of a client stick to the real server its first connection used. */
public enum PersistenceMode {
    NONE,
    SOURCE_IP
}
