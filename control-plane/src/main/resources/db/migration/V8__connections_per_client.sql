-- An optional limit on the live connections one client address holds on a virtual service (0: off).
ALTER TABLE virtual_service ADD COLUMN max_connections_per_client integer NOT NULL DEFAULT 0;
ALTER TABLE virtual_service ALTER COLUMN max_connections_per_client DROP DEFAULT;
