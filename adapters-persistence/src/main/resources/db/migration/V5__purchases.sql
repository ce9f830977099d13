-- In-app purchases: one row per purchase per store environment, the store notifications received (raw and decoded,
-- deduplicated on the store's own id), the append-only audit trail and the state of outgoing webhook endpoints.

CREATE TABLE purchase (
    id                       uuid        PRIMARY KEY,
    store                    text        NOT NULL CHECK (store IN ('apple', 'google')),
    environment              text        NOT NULL,
    store_key                text        NOT NULL,
    user_id                  text        NOT NULL,
    product_id               text        NOT NULL,
    kind                     text        NOT NULL CHECK (kind IN ('product', 'subscription')),
    state                    text        NOT NULL CHECK (state IN ('pending', 'verified', 'acknowledged', 'renewed', 'expired',
                                                                   'refunded', 'revoked', 'rejected')),
    transaction_id           text        NOT NULL DEFAULT '',
    original_transaction_id  text        NOT NULL DEFAULT '',
    purchased_at             timestamptz,
    expires_at               timestamptz,
    amount_micros            bigint,
    currency                 text,
    acknowledged             boolean     NOT NULL DEFAULT false,
    created_at               timestamptz NOT NULL,
    updated_at               timestamptz NOT NULL,
    UNIQUE (store, environment, store_key)
);
CREATE INDEX purchase_store_key ON purchase (store, store_key);
CREATE INDEX purchase_user ON purchase (user_id);

CREATE TABLE store_notification (
    id            uuid        PRIMARY KEY,
    store         text        NOT NULL,
    external_id   text        NOT NULL,
    type          text        NOT NULL,
    raw_body      text        NOT NULL,
    decoded       jsonb       NOT NULL,
    facts         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    received_at   timestamptz NOT NULL,
    applied_at    timestamptz,
    UNIQUE (store, external_id)
);

-- Append-only: written with INSERT only, never updated, never pruned by maintenance.
CREATE TABLE purchase_audit (
    id           uuid        PRIMARY KEY,
    purchase_id  uuid        REFERENCES purchase (id),
    store        text        NOT NULL,
    subject      text        NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('verification', 'webhook', 'state_change', 'acknowledgement', 'delivery')),
    outcome      text        NOT NULL,
    request      text        NOT NULL,
    response     text        NOT NULL,
    latency_ms   bigint,
    event_id     uuid,
    at           timestamptz NOT NULL
);
CREATE INDEX purchase_audit_purchase ON purchase_audit (purchase_id, at, id);
CREATE INDEX purchase_audit_subject ON purchase_audit (store, subject, at, id);
CREATE INDEX purchase_audit_event ON purchase_audit (event_id, at) WHERE kind = 'delivery';

CREATE RULE purchase_audit_no_update AS ON UPDATE TO purchase_audit DO INSTEAD NOTHING;
CREATE RULE purchase_audit_no_delete AS ON DELETE TO purchase_audit DO INSTEAD NOTHING;

CREATE TABLE webhook_endpoint (
    name             text        PRIMARY KEY,
    enabled          boolean     NOT NULL,
    enabled_since    timestamptz NOT NULL,
    disabled_at      timestamptz,
    disabled_reason  text
);
INSERT INTO webhook_endpoint (name, enabled, enabled_since) VALUES ('backend', true, now());
