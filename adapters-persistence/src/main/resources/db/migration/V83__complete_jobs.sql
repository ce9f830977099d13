-- The engine's completion batch, planned as what it is whatever the statistics say: one look-up by primary key per
-- completed job. As a plain statement it was planned from the statistics of the moment and the plan was cached on the
-- connection; made while the job table was small (a fresh install, or after a TRUNCATE), that plan scanned the whole
-- table for every batch once the table had grown, until the next ANALYZE. Done rows keep the token that finished them,
-- so a heartbeat racing a batch can tell "finished by us" from "taken from us".
CREATE FUNCTION complete_jobs(p_at timestamptz, p_ids bigint[], p_tokens bigint[])
RETURNS SETOF bigint LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  RETURN QUERY
  UPDATE job j SET state = 'done', finished_at = p_at, lease_owner = NULL, lease_until = NULL
  FROM unnest(p_ids, p_tokens) AS c(id, token)
  WHERE j.id = c.id AND j.lease_token = c.token AND j.state = 'running'
  RETURNING j.id;
END $$;
