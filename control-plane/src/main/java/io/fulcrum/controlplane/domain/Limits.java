package io.fulcrum.controlplane.domain;

import java.time.Duration;

/**
 * Every bound on what the API accepts, in one place: sizes of bodies and lists, numeric ranges and
 * duration maxima. The README's limits table and the OpenAPI document state the same numbers; a
 * node refuses (NACKs) anything beyond them, so the control plane never accepts what nodes cannot serve.
 */
public final class Limits {

    /** A single virtual service or real server body. */
    public static final int RESOURCE_BODY_BYTES = 64 * 1024;
    /** The body of PUT /api/v1/config. */
    public static final int DOCUMENT_BODY_BYTES = 8 * 1024 * 1024;
    /** JSON tokens in one body: bounds the parsed tree, whatever the body's shape. */
    public static final int DOCUMENT_TOKENS = 1_000_000;
    public static final int JSON_NESTING = 32;
    /** Characters of one JSON string value or member name. */
    public static final int JSON_STRING_CHARS = 4096;
    /** The request target (path and query). */
    public static final int URI_BYTES = 8 * 1024;
    /** All request header lines together. */
    public static final int HEADER_BYTES = 16 * 1024;

    public static final int NAME_CHARS = 64;
    public static final int PORTS = 64;
    public static final int VIRTUAL_SERVICES = 10_000;
    public static final int REAL_SERVERS_PER_SERVICE = 10_000;
    public static final int WEIGHT_MAX = 65_535;
    public static final int CONNECTIONS_MAX = 1_000_000;
    public static final int MAX_FLOWS_MAX = 1_000_000;
    public static final int RISE_FALL_MAX = 100;
    public static final int HTTP_PATH_CHARS = 1024;
    /** A udp check's datagram and expected reply text: printable ASCII, one small datagram. */
    public static final int UDP_PAYLOAD_CHARS = 512;

    public static final Duration DURATION_MIN = Duration.ofMillis(1);
    /** Idle, flow and persistence timeouts: HAProxy's largest timeout, about 2^31 ms. */
    public static final Duration TIMEOUT_MAX = Duration.ofDays(24);
    public static final Duration CONNECT_TIMEOUT_MAX = Duration.ofMinutes(5);
    public static final Duration CHECK_INTERVAL_MIN = Duration.ofMillis(100);
    public static final Duration CHECK_INTERVAL_MAX = Duration.ofHours(1);
    public static final Duration WAIT_MAX = Duration.ofSeconds(60);

    /** Field errors listed in one problem answer; errorCount gives the total. */
    public static final int REPORTED_ERRORS = 100;
    /** Warnings listed in one answer; warningCount gives the total. */
    public static final int REPORTED_WARNINGS = 100;
    public static final int AUDIT_PAGE_MAX = 1000;
    /** API tokens, revoked ones included. */
    public static final int TOKENS = 1000;
    public static final Duration TOKEN_LIFETIME_MIN = Duration.ofMinutes(1);
    public static final Duration TOKEN_LIFETIME_MAX = Duration.ofDays(3650);
    /** Failed authentications from one client address within the window before it gets 429. */
    public static final int FAILED_AUTHENTICATIONS = 10;
    public static final Duration FAILED_AUTHENTICATION_WINDOW = Duration.ofMinutes(1);
    /** Client addresses whose failures are remembered; the oldest is forgotten first. */
    public static final int FAILING_ADDRESSES = 10_000;
    public static final int AUDIT_PAGE_DEFAULT = 100;

    private Limits() {
    }
}
