package io.fulcrum.controlplane.domain;

import java.time.Duration;

/**
 * The value of every field a request may omit, in one place. Readers fill them in, so stored rows,
 * snapshots and answers always carry explicit values and nodes apply none of their own; the
 * OpenAPI document states the same defaults, which a test compares with these.
 */
public final class Defaults {

    public static final Protocol PROTOCOL = Protocol.TCP;
    public static final Layer LAYER = Layer.LAYER_7;
    /** UDP can only be forwarded at layer 4, so that is its default. */
    public static final Layer UDP_LAYER = Layer.LAYER_4;
    public static final Algorithm ALGORITHM = Algorithm.WEIGHTED_LEAST_CONNECTIONS;
    public static final PersistenceMode PERSISTENCE_MODE = PersistenceMode.NONE;
    /** The timeout source-IP persistence gets when none is given (the brief's 6 minutes). */
    public static final Duration PERSISTENCE_TIMEOUT = Duration.ofMinutes(6);
    public static final HealthCheckType HEALTH_CHECK_TYPE = HealthCheckType.CONNECT;
    /** HAProxy's check defaults: every 2s, timeout = interval, up after 2 passes, down after 3 failures. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
    public static final int RISE = 2;
    public static final int FALL = 3;
    public static final String HTTP_PATH = "/";
    public static final String EXPECT_STATUS = "200-399";
    /** The datagram a udp check sends when none is given; servers that answer anything pass. */
    public static final String UDP_SEND = "fulcrum-health-check";
    public static final boolean PROXY_PROTOCOL = false;
    public static final Duration IDLE_TIMEOUT = Duration.ofHours(12);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration FLOW_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final int MAX_FLOWS = 10_000;
    /** A new client must send its first byte within this (a slow or silent client holds no slot for 12 h). */
    public static final Duration CLIENT_FIRST_BYTE_TIMEOUT = Duration.ofMinutes(1);
    /** 0: no limit of the service's own; each node still gives one service at most 3/4 of its descriptors. */
    public static final int SERVICE_MAX_CONNECTIONS = 0;
    /** 0: off; a client address may hold any number of connections (within the service's limits). */
    public static final int MAX_CONNECTIONS_PER_CLIENT = 0;

    public static final int WEIGHT = 100;
    public static final int MIN_CONNECTIONS = 0;
    public static final int MAX_CONNECTIONS = 0;
    public static final AdminState STATE = AdminState.ONLINE;

    private Defaults() {
    }
}
