-- One global, monotonic configuration version. The writing transaction updates this row as its
-- last statement, so the row lock is held only until commit and commit order equals version order.
CREATE TABLE config_version (
    id      smallint PRIMARY KEY CHECK (id = 1),
    version bigint   NOT NULL
);
INSERT INTO config_version (id, version) VALUES (1, 0);

CREATE TABLE virtual_service (
    id                        bigserial PRIMARY KEY,
    name                      varchar(64)  NOT NULL,
    address                   varchar(64)  NOT NULL,
    ports                     integer[]    NOT NULL,
    protocol                  varchar(8)   NOT NULL,
    layer                     smallint     NOT NULL,
    algorithm                 varchar(32)  NOT NULL,
    persistence_mode          varchar(16)  NOT NULL,
    persistence_timeout_ms    bigint,
    health_check_type         varchar(16)  NOT NULL,
    health_check_interval_ms  bigint       NOT NULL,
    health_check_timeout_ms   bigint       NOT NULL,
    health_check_rise         integer      NOT NULL,
    health_check_fall         integer      NOT NULL,
    health_check_port         integer,
    health_check_path         varchar(1024),
    health_check_expect_status varchar(16),
    fallback_address          varchar(64),
    fallback_port             integer,
    proxy_protocol            boolean      NOT NULL,
    client_idle_timeout_ms    bigint       NOT NULL,
    server_idle_timeout_ms    bigint       NOT NULL,
    connect_timeout_ms        bigint       NOT NULL,
    version                   bigint       NOT NULL,
    CONSTRAINT virtual_service_name_key UNIQUE (name)
);

-- One row per listening port, so the database itself refuses two virtual services on the same
-- (address, port, protocol) even when two writers race.
CREATE TABLE virtual_service_port (
    virtual_service_id bigint      NOT NULL REFERENCES virtual_service (id) ON DELETE CASCADE,
    address            varchar(64) NOT NULL,
    port               integer     NOT NULL,
    protocol           varchar(8)  NOT NULL,
    position           integer     NOT NULL,
    PRIMARY KEY (virtual_service_id, port),
    CONSTRAINT virtual_service_port_listener_key UNIQUE (address, port, protocol)
);

CREATE TABLE real_server (
    id                 bigserial PRIMARY KEY,
    virtual_service_id bigint      NOT NULL REFERENCES virtual_service (id) ON DELETE CASCADE,
    label              varchar(64) NOT NULL,
    address            varchar(64) NOT NULL,
    port               integer,
    weight             integer     NOT NULL,
    min_connections    integer     NOT NULL,
    max_connections    integer     NOT NULL,
    state              varchar(8)  NOT NULL,
    version            bigint      NOT NULL,
    CONSTRAINT real_server_label_key UNIQUE (virtual_service_id, label)
);
-- A real server without a port follows the client's port; treat it as port 0 for uniqueness.
CREATE UNIQUE INDEX real_server_endpoint_key ON real_server (virtual_service_id, address, coalesce(port, 0));

CREATE TABLE audit_entry (
    id             bigserial PRIMARY KEY,
    at             timestamptz  NOT NULL DEFAULT now(),
    principal      varchar(128) NOT NULL,
    action         varchar(16)  NOT NULL,
    resource       varchar(512) NOT NULL,
    before         jsonb,
    after          jsonb,
    config_version bigint       NOT NULL
);
CREATE INDEX audit_entry_config_version_idx ON audit_entry (config_version DESC);
