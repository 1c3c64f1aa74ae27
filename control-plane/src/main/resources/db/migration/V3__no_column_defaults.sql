-- Defaults live in one place, the control plane's Defaults class, which fills in every field a
-- request omits; V2's column defaults only served rows that existed before it, so they go.
ALTER TABLE virtual_service ALTER COLUMN flow_idle_timeout_ms DROP DEFAULT;
ALTER TABLE virtual_service ALTER COLUMN max_flows DROP DEFAULT;
