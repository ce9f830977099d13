-- Maintenance prunes webhook delivery attempts older than RELAYBOX_RETENTION, across endpoints, oldest first.
CREATE INDEX outbound_delivery_at ON outbound_delivery (at);
