-- Assistance requests from bots. Ids are UUIDv7, so the primary key orders them by arrival and serves the
-- newest-first listing without another index on the intake path.
CREATE TABLE assistance_request (
    id                uuid        PRIMARY KEY,
    topic             text        NOT NULL,
    description       text        NOT NULL,
    metadata          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status            text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    channel           text,
    attempts          integer     NOT NULL DEFAULT 0,
    route_index       integer     NOT NULL DEFAULT 0,
    channel_attempts  integer     NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL,
    delivered_at      timestamptz,
    last_error        text,
    correlation_id    text        NOT NULL DEFAULT ''
) WITH (fillfactor = 85);

-- Idempotency-Key → the resource it created, with a fingerprint of the request body.
CREATE TABLE idempotency_key (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    fingerprint  bytea       NOT NULL,
    resource_id  uuid        NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
