-- What a subscription wants, beyond its fixed event_filter, as set at run time (the webhook fan-out wants only the
-- event types some endpoint subscribes to). NULL: no narrowing, every event its filter matches.
ALTER TABLE job_subscription ADD COLUMN wanted_types text[];
