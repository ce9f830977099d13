-- Secret rotation: the replaced secret keeps signing (next to the new one) until previous_secret_until, so receivers
-- can switch secrets without refusing a delivery.
ALTER TABLE outbound_endpoint ADD COLUMN previous_secret text;
ALTER TABLE outbound_endpoint ADD COLUMN previous_secret_until timestamptz;
