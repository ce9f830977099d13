-- Orders: one row per order (lines and address as JSON, they are read and written whole), its history of moves, and
-- the Idempotency-Keys that created orders.

CREATE TABLE customer_order (
    id                uuid        PRIMARY KEY,
    customer_id       text        NOT NULL,
    storefront        text        NOT NULL,
    currency          text        NOT NULL,
    amount            bigint      NOT NULL CHECK (amount > 0),
    lines             jsonb       NOT NULL,
    shipping_address  jsonb       NOT NULL,
    status            text        NOT NULL CHECK (status IN ('pending', 'processing', 'shipped', 'delivered', 'canceled')),
    cancel_reason     text,
    reservation_id    text,
    authorization_id  text,
    carrier           text,
    tracking_number   text,
    shipped_at        timestamptz,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX customer_order_customer ON customer_order (customer_id, id);
CREATE INDEX customer_order_status ON customer_order (status, id);

CREATE TABLE order_history (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id     uuid        NOT NULL REFERENCES customer_order (id),
    from_status  text,
    to_status    text        NOT NULL,
    reason       text        NOT NULL,
    at           timestamptz NOT NULL
);
CREATE INDEX order_history_order ON order_history (order_id, id);

CREATE TABLE order_idempotency_key (
    key          text        PRIMARY KEY,
    fingerprint  bytea       NOT NULL,
    order_id     uuid        NOT NULL,
    created_at   timestamptz NOT NULL
);
