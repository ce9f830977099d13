-- Webhook endpoints that subscribers (and the main backend, configured from the environment) register for event
-- types, and every delivery attempt to them. The signing secret is kept in clear because HMAC signing needs it; the
-- API shows it once, at creation.

CREATE TABLE outbound_endpoint (
    id               uuid        PRIMARY KEY,
    name             text        UNIQUE,
    url              text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    event_types      jsonb       NOT NULL,
    secret           text        NOT NULL,
    managed          boolean     NOT NULL DEFAULT false,
    enabled          boolean     NOT NULL,
    enabled_since    timestamptz NOT NULL,
    disabled_at      timestamptz,
    disabled_reason  text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);

CREATE TABLE outbound_delivery (
    id              uuid        PRIMARY KEY,
    endpoint_id     uuid        NOT NULL REFERENCES outbound_endpoint (id) ON DELETE CASCADE,
    event_id        uuid        NOT NULL,
    event_type      text        NOT NULL,
    event_key       text,
    attempt         integer     NOT NULL,
    status          integer     NOT NULL,
    succeeded       boolean     NOT NULL,
    summary         text        NOT NULL,
    latency_ms      bigint      NOT NULL,
    at              timestamptz NOT NULL
);
CREATE INDEX outbound_delivery_endpoint ON outbound_delivery (endpoint_id, at DESC);
CREATE INDEX outbound_delivery_failed ON outbound_delivery (endpoint_id, at DESC) WHERE NOT succeeded;
CREATE INDEX outbound_delivery_event ON outbound_delivery (endpoint_id, event_id, at) WHERE NOT succeeded;
