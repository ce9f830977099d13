-- Payments: accounts in minor units, transactions with their history, postings (the ledger), and the rows that make
-- every effect happen once: processed events (insert-before-apply) and provider webhook ids.

CREATE TABLE payment_account (
    id          uuid        PRIMARY KEY,
    currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    balance     bigint      NOT NULL CHECK (balance >= 0),
    held        bigint      NOT NULL CHECK (held >= 0),
    status      text        NOT NULL CHECK (status IN ('active', 'frozen', 'closed')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (held <= balance)
);
CREATE INDEX payment_account_status ON payment_account (status);

CREATE TABLE payment_transaction (
    id               uuid        PRIMARY KEY,
    account_id       uuid        NOT NULL REFERENCES payment_account (id),
    idempotency_key  text        NOT NULL,
    request_hash     text        NOT NULL,
    type             text        NOT NULL CHECK (type IN ('credit', 'debit')),
    amount           bigint      NOT NULL CHECK (amount > 0),
    currency         text        NOT NULL,
    reference        text,
    callback_url     text,
    status           text        NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'failed', 'rejected')),
    reason           text,
    provider_status  text        CHECK (provider_status IN ('pending', 'succeeded', 'failed')),
    provider_reason  text,
    created_at       timestamptz NOT NULL,
    settled_at       timestamptz,
    updated_at       timestamptz NOT NULL,
    UNIQUE (account_id, idempotency_key)
);
-- An account's transactions, newest first (ids are time-ordered), optionally by status.
CREATE INDEX payment_transaction_account ON payment_transaction (account_id, id DESC);
CREATE INDEX payment_transaction_account_status ON payment_transaction (account_id, status, id DESC);

CREATE TABLE payment_transaction_history (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id  uuid        NOT NULL REFERENCES payment_transaction (id),
    at              timestamptz NOT NULL,
    kind            text        NOT NULL,
    detail          text        NOT NULL
);
CREATE INDEX payment_transaction_history_tx ON payment_transaction_history (transaction_id, id);

-- The ledger: one signed row per settled movement; an account's balance is the sum of its postings.
CREATE TABLE payment_posting (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      uuid        NOT NULL REFERENCES payment_account (id),
    transaction_id  uuid        NOT NULL UNIQUE REFERENCES payment_transaction (id),
    amount          bigint      NOT NULL CHECK (amount <> 0),
    balance_after   bigint      NOT NULL CHECK (balance_after >= 0),
    at              timestamptz NOT NULL
);
CREATE INDEX payment_posting_account ON payment_posting (account_id, id);

CREATE TABLE payment_processed_event (
    consumer      text        NOT NULL,
    event_id      text        NOT NULL,
    processed_at  timestamptz NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE payment_webhook_receipt (
    webhook_id      text        PRIMARY KEY,
    transaction_id  uuid        NOT NULL,
    received_at     timestamptz NOT NULL
);
