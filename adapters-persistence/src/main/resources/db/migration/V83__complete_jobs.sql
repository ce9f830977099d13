-- The engine's completion batch, one primary-key look-up per completed job whatever the statistics say. As one UPDATE
-- joined to unnest() it was planned from the statistics of the moment, and the plan was cached on the connection: made
-- while the job table was small (a fresh install, or after a TRUNCATE) it scanned the whole table for every batch once
-- the table had grown; made while the statistics showed no running job (after a burst that was all still waiting) it
-- drove the join from a partial index of running jobs and rescanned the ids once per running job. Here each statement
-- names one row by its primary key, and the state is tested in a form no partial index's predicate matches, so the
-- primary key is the only index the planner can use and a sequential scan is off. Done rows keep the token that
-- finished them, so a heartbeat racing a batch can tell "finished by us" from "taken from us".
CREATE FUNCTION complete_jobs(p_at timestamptz, p_ids bigint[], p_tokens bigint[])
RETURNS SETOF bigint LANGUAGE plpgsql
SET enable_seqscan = off AS $$
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    UPDATE job SET state = 'done', finished_at = p_at, lease_owner = NULL, lease_until = NULL
    WHERE id = p_ids[i] AND lease_token = p_tokens[i]
      AND state <> ALL (ARRAY['available', 'done', 'dead', 'cancelled']);
    IF FOUND THEN
      RETURN NEXT p_ids[i];
    END IF;
  END LOOP;
END $$;
