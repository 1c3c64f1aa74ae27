-- A new client's first byte has its own, shorter timeout; a virtual service may cap its connections.
-- Existing rows get what the API gives an omitted field (1 minute; 0, no limit of its own), and the
-- columns keep no default afterwards, like every other (V3).
ALTER TABLE virtual_service ADD COLUMN client_first_byte_timeout_ms bigint  NOT NULL DEFAULT 60000;
ALTER TABLE virtual_service ADD COLUMN max_connections              integer NOT NULL DEFAULT 0;
ALTER TABLE virtual_service ALTER COLUMN client_first_byte_timeout_ms DROP DEFAULT;
ALTER TABLE virtual_service ALTER COLUMN max_connections DROP DEFAULT;
