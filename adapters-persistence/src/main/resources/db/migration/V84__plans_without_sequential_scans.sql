-- Claims and the deliveries' batched read, planned without sequential scans whatever the statistics say. Planned from
-- the statistics of the moment and cached on the connection, they read whole tables while the statistics still
-- described a table as small (a fresh install, or after a TRUNCATE, until autoanalyze caught up with a burst): in a lab
-- run at 1,000 requests/s a fifth of the claims hash-joined their picked ids to a sequential scan of the job table
-- (8,000-30,000 rows read per claim of ~20 jobs), a claim planned on an empty table sorted a sequential scan of all of
-- it, and the batched read hash-joined its ids to a sequential scan of assistance_request; delivery fell seconds behind
-- until autoanalyze replanned them. A function's SET clause applies while it runs and costs no round trip; a SQL
-- function with one is planned at each call. Every row is reached by its primary key or the claim index.

-- The claim of an unordered subscription: the due jobs in (run_at, id) order, skipping those another claim holds.
CREATE FUNCTION claim_jobs(p_subscription text, p_now timestamptz, p_limit int, p_node text, p_lease_until timestamptz)
RETURNS SETOF job LANGUAGE sql
SET enable_seqscan = off AS $$
  WITH picked AS (
    SELECT id FROM job
    WHERE subscription = p_subscription AND state = 'available' AND run_at <= p_now
    ORDER BY run_at, id
    LIMIT p_limit
    FOR UPDATE SKIP LOCKED)
  UPDATE job SET state = 'running', attempts = attempts + 1, lease_owner = p_node, lease_until = p_lease_until,
                 lease_token = nextval('job_lease_token')
  WHERE id = ANY (ARRAY(SELECT id FROM picked))
  RETURNING *
$$;

-- Assistance requests with, for each, whether the delivery job's lease is still held (the job running under that
-- fencing token: the same test as LeaseCheck.HELD); one row per request that exists, with its position in the arrays.
CREATE FUNCTION assistance_requests_while_held(p_ids uuid[], p_jobs bigint[], p_tokens bigint[])
RETURNS TABLE (ordinal bigint, request assistance_request, held boolean) LANGUAGE sql
SET enable_seqscan = off AS $$
  SELECT lease.ordinal, r,
         EXISTS (SELECT 1 FROM job WHERE id = lease.job_id AND lease_token = lease.fencing_token AND state = 'running')
  FROM unnest(p_ids, p_jobs, p_tokens) WITH ORDINALITY AS lease(request_id, job_id, fencing_token, ordinal)
  JOIN assistance_request r ON r.id = lease.request_id
$$;
