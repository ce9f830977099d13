-- Job counts without reading the finished history. The gauges (every RELAYBOX_METRICS_REFRESH on every node) and
-- /admin/stats counted the whole job table by subscription and state: a sequential scan of every done job kept for
-- RELAYBOX_RETENTION (7 days), measured at ~2.3 µs a row, so ~170 ms at 100,000 rows and a minute at 30 million (a
-- week at 50 jobs/s), repeated by each node. Waiting, running and dead jobs are counted through the partial indexes
-- that already exist for them (their number is the backlog, not the history); done and cancelled jobs, the ones that
-- pile up, are counted by a tally kept in the same transactions as the rows.
--
-- The tally takes small rows (+n or -n) and no row is ever updated, so nodes completing jobs at once never wait on
-- each other; maintenance folds the rows into one per (subscription, state) under its lock. Jobs enter the table
-- waiting, so only an UPDATE makes a job done or cancelled (or a cancelled one waiting again): each such write adds its
-- count in the same statement (FinishedJobTally; complete_jobs below, one row per batch). A trigger would catch every
-- path, but an AFTER UPDATE row trigger on job cost a quarter of the drain's throughput even when its WHEN was false
-- (bench drain, 3 rounds each, A/B: 29,256 and 29,464 jobs/s without it, 23,323 and 22,219 with it), because the old
-- row is fetched for every claimed and completed job. Deletes (pruning) and TRUNCATE come in batches, so statement
-- triggers count them.
CREATE TABLE job_finished_tally (
    subscription text   NOT NULL,
    state        text   NOT NULL CHECK (state IN ('done', 'cancelled')),
    n            bigint NOT NULL
);

CREATE FUNCTION job_finished_tally_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO job_finished_tally (subscription, state, n)
  SELECT subscription, state, -count(*) FROM deleted WHERE state IN ('done', 'cancelled') GROUP BY subscription, state;
  RETURN NULL;
END $$;

CREATE FUNCTION job_finished_tally_on_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM job_finished_tally;
  RETURN NULL;
END $$;

CREATE TRIGGER job_finished_tally_on_delete AFTER DELETE ON job REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION job_finished_tally_on_delete();
CREATE TRIGGER job_finished_tally_on_truncate AFTER TRUNCATE ON job
  FOR EACH STATEMENT EXECUTE FUNCTION job_finished_tally_on_truncate();

-- Counts the table afresh, keeping writes to job out until the caller's transaction commits. This migration runs it
-- once. In a rolling upgrade, nodes of the previous version that still run afterwards count their completion batches
-- (complete_jobs is replaced below) but not a markDone or a cancel, so the counts run low by those jobs for good (their
-- pruning subtracts them too); `SELECT recount_job_finished_tally()` once the fleet runs this version makes them exact
-- (docs/operations.md), at the price of one scan of the table.
CREATE FUNCTION recount_job_finished_tally() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE job IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM job_finished_tally;
  INSERT INTO job_finished_tally (subscription, state, n)
  SELECT subscription, state, count(*) FROM job WHERE state IN ('done', 'cancelled') GROUP BY subscription, state;
END $$;

SELECT recount_job_finished_tally();

-- V83's completion batch, adding its count to the tally: one row per subscription per batch.
CREATE OR REPLACE FUNCTION complete_jobs(p_at timestamptz, p_ids bigint[], p_tokens bigint[])
RETURNS SETOF bigint LANGUAGE plpgsql
SET enable_seqscan = off SET jit = off AS $$
DECLARE
  v_subscription text;
  v_completed text[] := '{}';
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    UPDATE job SET state = 'done', finished_at = p_at, lease_owner = NULL, lease_until = NULL
    WHERE id = p_ids[i] AND lease_token = p_tokens[i]
      AND state <> ALL (ARRAY['available', 'done', 'dead', 'cancelled'])
    RETURNING subscription INTO v_subscription;
    IF FOUND THEN
      v_completed := v_completed || v_subscription;
      RETURN NEXT p_ids[i];
    END IF;
  END LOOP;
  INSERT INTO job_finished_tally (subscription, state, n)
  SELECT subscription, 'done', count(*) FROM unnest(v_completed) AS subscription GROUP BY subscription;
END $$;

-- Folds the tally into one row per (subscription, state); run by maintenance under its lock. A row a concurrent
-- transaction adds meanwhile is not in this DELETE's snapshot and stays for the next fold.
CREATE FUNCTION fold_job_finished_tally() RETURNS void LANGUAGE sql AS $$
  WITH folded AS (DELETE FROM job_finished_tally RETURNING subscription, state, n)
  INSERT INTO job_finished_tally (subscription, state, n)
  SELECT subscription, state, sum(n) FROM folded GROUP BY subscription, state HAVING sum(n) <> 0
$$;

-- Jobs by subscription and state, each state read where it is cheap: the partial index that holds it, or the tally.
-- A running job always has a lease (every write that ends an attempt clears both), so job_lease holds them all.
CREATE FUNCTION job_counts() RETURNS TABLE (subscription text, state text, n bigint) LANGUAGE sql STABLE
SET enable_seqscan = off SET jit = off AS $$
  SELECT subscription, 'available', count(*) FROM job WHERE state = 'available' GROUP BY subscription
  UNION ALL
  SELECT subscription, 'running', count(*) FROM job WHERE state = 'running' AND lease_until IS NOT NULL
  GROUP BY subscription
  UNION ALL
  SELECT subscription, 'dead', count(*) FROM job WHERE state = 'dead' GROUP BY subscription
  UNION ALL
  SELECT subscription, state, sum(n)::bigint FROM job_finished_tally GROUP BY subscription, state HAVING sum(n) <> 0
$$;

-- A function planned without sequential scans also runs without JIT. Where a scan has no index to use (the tally's
-- few rows), the disabled sequential scan is costed at 10^10, far over jit_above_cost, and every call was compiled:
-- job_counts() took 110-340 ms of the database's CPU per read on a PostgreSQL with JIT (Debian's 15; 7 ms without),
-- from every node at every refresh (attacker finding). The functions of V83 and V84 reach every row by an index and
-- were not compiled in a check, but carry the same setting so that a plan change cannot make them so.
ALTER FUNCTION claim_jobs(text, timestamptz, int, text, timestamptz) SET jit = off;
ALTER FUNCTION assistance_requests_while_held(uuid[], bigint[], bigint[]) SET jit = off;
