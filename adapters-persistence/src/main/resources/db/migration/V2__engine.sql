-- The engine: outbox events fan out into jobs, one per matching subscription; jobs are claimed with
-- FOR UPDATE SKIP LOCKED under a lease. Hot-path indexes are partial on the live states, so their size tracks the
-- backlog, not the history, and claims stay fast with millions of finished rows.

-- One order for outbox events and directly enqueued jobs, so FIFO-per-key spans both.
CREATE SEQUENCE relay_order;

CREATE TABLE outbox_event (
    id          bigint      PRIMARY KEY DEFAULT nextval('relay_order'),
    event_id    uuid        NOT NULL UNIQUE,
    event_type  text        NOT NULL,
    event_key   text,
    payload     jsonb       NOT NULL,
    headers     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL,
    relayed_at  timestamptz
) WITH (fillfactor = 90,
        autovacuum_vacuum_scale_factor = 0.01,
        autovacuum_vacuum_insert_scale_factor = 0.05,
        autovacuum_analyze_scale_factor = 0.02,
        autovacuum_vacuum_cost_delay = 0);

CREATE INDEX outbox_event_unrelayed ON outbox_event (id) WHERE relayed_at IS NULL;
CREATE INDEX outbox_event_created_at ON outbox_event (created_at);

CREATE TABLE job_subscription (
    name          text PRIMARY KEY,
    event_filter  text,
    max_attempts  integer     NOT NULL CHECK (max_attempts > 0),
    fifo_per_key  boolean     NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE TABLE job (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription  text        NOT NULL,
    seq           bigint      NOT NULL,
    event_id      uuid,
    event_type    text,
    job_key       text,
    dedupe_key    text,
    payload       jsonb       NOT NULL,
    headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    state         text        NOT NULL CHECK (state IN ('available', 'running', 'done', 'dead', 'cancelled')),
    attempts      integer     NOT NULL DEFAULT 0,
    run_at        timestamptz NOT NULL,
    lease_owner   text,
    lease_until   timestamptz,
    created_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    last_error    text
) WITH (fillfactor = 80,
        autovacuum_vacuum_scale_factor = 0.01,
        autovacuum_vacuum_insert_scale_factor = 0.05,
        autovacuum_analyze_scale_factor = 0.02,
        autovacuum_vacuum_cost_delay = 0);

-- The claim path: due jobs of one subscription in run order.
CREATE INDEX job_claim ON job (subscription, run_at, id) WHERE state = 'available';
-- FIFO per key: is there an unfinished predecessor with the same key?
CREATE INDEX job_fifo ON job (subscription, job_key, seq) WHERE state IN ('available', 'running') AND job_key IS NOT NULL;
-- Lease rescue.
CREATE INDEX job_lease ON job (lease_until) WHERE state = 'running';
-- Pruning finished history.
CREATE INDEX job_finished ON job (finished_at) WHERE state IN ('done', 'cancelled');
-- Dead letters, for the admin API and replay by filter.
CREATE INDEX job_dead ON job (subscription, finished_at) WHERE state = 'dead';
-- Exactly one job per (subscription, event), however many relays race.
CREATE UNIQUE INDEX job_event ON job (subscription, event_id) WHERE event_id IS NOT NULL;
-- A dedupe key is unique while its job is unfinished.
CREATE UNIQUE INDEX job_dedupe ON job (subscription, dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('available', 'running');

-- Append-only history of every failed attempt, rescue, replay and cancellation.
CREATE TABLE job_history (
    id       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id   bigint      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    at       timestamptz NOT NULL,
    kind     text        NOT NULL CHECK (kind IN ('error', 'lease_expired', 'replayed', 'cancelled')),
    attempt  integer     NOT NULL,
    node     text,
    message  text        NOT NULL
);
CREATE INDEX job_history_job ON job_history (job_id, id);
