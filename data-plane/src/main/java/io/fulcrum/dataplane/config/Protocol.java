package io.fulcrum.dataplane.config;

/** Transport protocol a virtual service listens on. */
public enum Protocol {
    TCP,
    UDP
}
