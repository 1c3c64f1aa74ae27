-- The API now bounds every value (README, "Limits") and nodes refuse a snapshot holding anything
-- beyond those bounds, so rows stored before could stop every push. This brings them within the
-- bounds once: the longest timeouts become the largest allowed, names no URL can address ("." and
-- "..") get one, and a check path that is not printable ASCII becomes "/". It is one configuration
-- version, with an audit entry (principal "migration") per changed resource saying what changed.
DO $$
DECLARE
    next_version bigint;
BEGIN
    CREATE TEMP TABLE fitted_service ON COMMIT DROP AS
    SELECT id, name AS old_name,
           CASE WHEN name IN ('.', '..') THEN 'renamed-' || id ELSE name END AS new_name,
           client_idle_timeout_ms, LEAST(client_idle_timeout_ms, 2073600000) AS new_client_idle,
           server_idle_timeout_ms, LEAST(server_idle_timeout_ms, 2073600000) AS new_server_idle,
           flow_idle_timeout_ms, LEAST(flow_idle_timeout_ms, 2073600000) AS new_flow_idle,
           connect_timeout_ms, LEAST(connect_timeout_ms, 300000) AS new_connect,
           persistence_timeout_ms, LEAST(persistence_timeout_ms, 2073600000) AS new_persistence,
           health_check_interval_ms, LEAST(health_check_interval_ms, 3600000) AS new_interval,
           health_check_timeout_ms, LEAST(health_check_timeout_ms, health_check_interval_ms, 3600000) AS new_timeout,
           health_check_path,
           CASE WHEN health_check_path ~ '[^!-~]' OR length(health_check_path) > 1024 THEN '/'
                ELSE health_check_path END AS new_path
    FROM virtual_service
    WHERE name IN ('.', '..')
       OR client_idle_timeout_ms > 2073600000 OR server_idle_timeout_ms > 2073600000
       OR flow_idle_timeout_ms > 2073600000 OR connect_timeout_ms > 300000
       OR persistence_timeout_ms > 2073600000 OR health_check_interval_ms > 3600000
       OR health_check_timeout_ms > LEAST(health_check_interval_ms, 3600000)
       OR health_check_path ~ '[^!-~]' OR length(health_check_path) > 1024;

    CREATE TEMP TABLE fitted_server ON COMMIT DROP AS
    SELECT r.id, r.label, coalesce(f.new_name, v.name) AS service,
           r.min_connections, LEAST(r.min_connections, 1000000) AS new_min,
           r.max_connections, LEAST(r.max_connections, 1000000) AS new_max
    FROM real_server r
    JOIN virtual_service v ON v.id = r.virtual_service_id
    LEFT JOIN fitted_service f ON f.id = v.id
    WHERE r.min_connections > 1000000 OR r.max_connections > 1000000;

    IF NOT EXISTS (SELECT 1 FROM fitted_service) AND NOT EXISTS (SELECT 1 FROM fitted_server) THEN
        RETURN;
    END IF;

    UPDATE config_version SET version = version + 1 WHERE id = 1 RETURNING version INTO next_version;

    UPDATE virtual_service v
    SET name = f.new_name, client_idle_timeout_ms = f.new_client_idle, server_idle_timeout_ms = f.new_server_idle,
        flow_idle_timeout_ms = f.new_flow_idle, connect_timeout_ms = f.new_connect,
        persistence_timeout_ms = f.new_persistence, health_check_interval_ms = f.new_interval,
        health_check_timeout_ms = f.new_timeout, health_check_path = f.new_path, version = next_version
    FROM fitted_service f
    WHERE v.id = f.id;

    UPDATE real_server r
    SET min_connections = f.new_min, max_connections = f.new_max, version = next_version
    FROM fitted_server f
    WHERE r.id = f.id;

    -- Durations in the audit are in milliseconds ("2073600000ms"), the API's own syntax.
    INSERT INTO audit_entry (principal, action, resource, before, after, config_version)
    SELECT 'migration', 'patch', '/api/v1/virtual-services/' || f.new_name,
           jsonb_build_object('name', f.old_name, 'clientIdleTimeout', f.client_idle_timeout_ms || 'ms',
               'serverIdleTimeout', f.server_idle_timeout_ms || 'ms', 'flowIdleTimeout', f.flow_idle_timeout_ms || 'ms',
               'connectTimeout', f.connect_timeout_ms || 'ms',
               'persistence', jsonb_build_object('timeout', f.persistence_timeout_ms || 'ms'),
               'healthCheck', jsonb_build_object('interval', f.health_check_interval_ms || 'ms',
                   'timeout', f.health_check_timeout_ms || 'ms', 'path', f.health_check_path)),
           jsonb_build_object('name', f.new_name, 'clientIdleTimeout', f.new_client_idle || 'ms',
               'serverIdleTimeout', f.new_server_idle || 'ms', 'flowIdleTimeout', f.new_flow_idle || 'ms',
               'connectTimeout', f.new_connect || 'ms',
               'persistence', jsonb_build_object('timeout', f.new_persistence || 'ms'),
               'healthCheck', jsonb_build_object('interval', f.new_interval || 'ms',
                   'timeout', f.new_timeout || 'ms', 'path', f.new_path)),
           next_version
    FROM fitted_service f
    ORDER BY f.id;

    INSERT INTO audit_entry (principal, action, resource, before, after, config_version)
    SELECT 'migration', 'patch', '/api/v1/virtual-services/' || f.service || '/real-servers/' || f.label,
           jsonb_build_object('minConnections', f.min_connections, 'maxConnections', f.max_connections),
           jsonb_build_object('minConnections', f.new_min, 'maxConnections', f.new_max),
           next_version
    FROM fitted_server f
    ORDER BY f.id;
END $$;
