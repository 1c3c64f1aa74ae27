-- Data-plane nodes, shared by every control-plane instance (README, "Nodes and control-plane instances"): a node is registered
-- by its first hello and stays until it is decommissioned (DELETE /api/v1/nodes/{id}). connected_to
-- names the instance holding its stream, null while it has none; last_seen is refreshed by that
-- instance every few seconds while the node reports.
CREATE TABLE node (
    id               text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 253),
    hostname         text        NOT NULL CHECK (length(hostname) <= 253),
    software_version text        NOT NULL CHECK (length(software_version) <= 64),
    first_seen       timestamptz NOT NULL,
    last_seen        timestamptz NOT NULL,
    applied_version  bigint      NOT NULL CHECK (applied_version >= 0),
    nack_version     bigint,
    nack_reason      text        CHECK (length(nack_reason) <= 1024),
    nack_at          timestamptz,
    connected_to     text,
    -- The node's latest report (the sync contract's NodeReport), written by the instance holding its
    -- stream every few seconds, so that every instance's overview shows every node.
    report           bytea,
    reported_at      timestamptz
);

-- Every committed configuration version is announced to every instance at commit (LISTEN
-- fulcrum_config), so a change made through one instance is pushed by all of them at once.
CREATE FUNCTION announce_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('fulcrum_config', NEW.version::text);
    RETURN NEW;
END
$$;
CREATE TRIGGER config_version_announced AFTER UPDATE ON config_version
    FOR EACH ROW EXECUTE FUNCTION announce_config_version();
