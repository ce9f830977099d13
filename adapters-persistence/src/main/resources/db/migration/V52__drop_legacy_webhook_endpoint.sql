-- V5's webhook_endpoint held the enabled state of the one backend delivery. Since V51 the backend is the managed row
-- 'backend' of outbound_endpoint, configured from the environment at start, and nothing reads the old table.
DROP TABLE IF EXISTS webhook_endpoint;
