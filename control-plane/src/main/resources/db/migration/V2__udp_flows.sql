-- Layer-4 UDP: how long an idle flow lives and how many flows a virtual service keeps.
-- Existing rows get the same defaults the API applies when the fields are omitted.
ALTER TABLE virtual_service ADD COLUMN flow_idle_timeout_ms bigint  NOT NULL DEFAULT 300000;
ALTER TABLE virtual_service ADD COLUMN max_flows            integer NOT NULL DEFAULT 10000;
