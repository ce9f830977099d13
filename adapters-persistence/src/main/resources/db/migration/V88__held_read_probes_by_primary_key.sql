-- assistance_requests_while_held (V84, V87) read each lease's request and checked its lease in a join and an EXISTS,
-- planned by cost. PL/pgSQL keeps a statement's plan for the session, and a plan made while assistance_request was
-- small (a fresh install; every round of the benchmark, which starts on emptied tables) merge-joined the sorted ids
-- to a walk of the whole primary key, building a row value for every request it passed. Request ids grow with time
-- and a delivery reads the newest, so once the table had grown each read walked nearly all of it until an ANALYZE
-- made the session plan again: in one end-to-end run at 1,000 requests/s on PostgreSQL 15, auto_explain logged 754
-- such reads over 3 ms, and in another perf found 19 % of PostgreSQL's samples forming those row values. Turning
-- merge and hash joins off would only make those plans expensive, not impossible, and leave the EXISTS free to become
-- a hashed subplan over the whole job table. Here each lease is a lateral subquery that the planner cannot flatten
-- (OFFSET 0), so the only way to run it is once per lease, and its only useful path a probe of the primary key.
CREATE OR REPLACE FUNCTION assistance_requests_while_held(p_ids uuid[], p_jobs bigint[], p_tokens bigint[])
RETURNS TABLE (ordinal bigint, request assistance_request, held boolean) LANGUAGE plpgsql
SET enable_seqscan = off SET jit = off AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT lease.ordinal, found.r, coalesce(lease_held.held, false)
  FROM unnest(p_ids, p_jobs, p_tokens) WITH ORDINALITY AS lease(request_id, job_id, fencing_token, ordinal)
  CROSS JOIN LATERAL (SELECT r FROM assistance_request r WHERE r.id = lease.request_id OFFSET 0) AS found
  LEFT JOIN LATERAL (
    SELECT true AS held FROM job
    WHERE id = lease.job_id AND lease_token = lease.fencing_token AND state = 'running' OFFSET 0) AS lease_held ON true;
END
$$;
