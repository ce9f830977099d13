-- API keys are stored only as SHA-256 hashes; the plain key is shown once, when it is created.
CREATE TABLE api_key (
    id          uuid PRIMARY KEY,
    scope       text        NOT NULL CHECK (scope IN ('api', 'admin', 'all')),
    key_hash    bytea       NOT NULL UNIQUE,
    label       text        NOT NULL,
    created_at  timestamptz NOT NULL
);
