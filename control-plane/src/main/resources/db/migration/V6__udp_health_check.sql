-- The udp health check: the datagram it sends and the text its reply must contain (null: any reply).
-- Both are null for every other check type.
ALTER TABLE virtual_service ADD COLUMN health_check_udp_send varchar(512);
ALTER TABLE virtual_service ADD COLUMN health_check_udp_expect varchar(512);
