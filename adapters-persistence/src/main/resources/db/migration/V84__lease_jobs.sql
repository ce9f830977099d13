-- The claim's UPDATE, one primary-key look-up per claimed job whatever the statistics say. Written as UPDATE … FROM
-- picked WHERE j.id = picked.id, the join was planned from the statistics of the moment: while they still described
-- the table as small (a fresh install, or after a TRUNCATE, until autoanalyze caught up with a burst), a fifth of the
-- claims in a lab run at 1,000 requests/s hash-joined the picked ids to a sequential scan of the whole job table,
-- 8,000-30,000 rows read per claim of ~20 jobs, and delivery fell seconds behind until the statistics were renewed.
-- The claim statements still pick their jobs themselves (FOR UPDATE SKIP LOCKED, so the rows handed in here are
-- already locked by the calling statement) and pass the ids here in the order picked.
CREATE FUNCTION lease_jobs(p_ids bigint[], p_node text, p_lease_until timestamptz)
RETURNS SETOF job LANGUAGE plpgsql
SET enable_seqscan = off AS $$
DECLARE
  v_job job;
BEGIN
  FOR i IN 1 .. coalesce(array_length(p_ids, 1), 0) LOOP
    UPDATE job SET state = 'running', attempts = attempts + 1, lease_owner = p_node, lease_until = p_lease_until,
                   lease_token = nextval('job_lease_token')
    WHERE id = p_ids[i]
    RETURNING * INTO v_job;
    IF FOUND THEN
      RETURN NEXT v_job;
    END IF;
  END LOOP;
END $$;
