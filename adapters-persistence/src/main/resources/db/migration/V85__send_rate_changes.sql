-- A channel's rate is configuration: it changes when a node starts with another RELAYBOX_<NAME>_MAX_PER_SECOND. Slots
-- already reserved were spaced at the old rate, and the deliveries that wait for them are deferred to those slots, so a
-- raised rate did not reach a backlog: 5,000 requests booked at Slack's 1/s kept waiting up to 83 minutes after the
-- rate went to 100,000/s. The bucket now remembers the interval it was scheduled with; a node starting with another one
-- rescales what lies ahead (the schedule, the reserved slots, and the jobs deferred to them) to the new rate.
ALTER TABLE send_rate ADD COLUMN send_interval interval;

-- Called once per channel when a node starts. Returns how many waiting jobs were brought forward. A job is taken to wait
-- for a slot when its key is the slot's holder (the request id) and it is due within 5 s of the slot (jobs are deferred
-- to their slot on the jar's clock; the slot is on the database's). Jobs are only ever brought forward, never pushed
-- back: after a lowered rate they come back at their old time and are told the new one.
CREATE FUNCTION apply_send_rate(p_bucket text, p_interval interval)
RETURNS integer LANGUAGE plpgsql
SET enable_seqscan = off AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_old interval;
  v_ratio double precision;
  v_moved integer;
BEGIN
  INSERT INTO send_rate (bucket, tat, sent_tat, send_interval) VALUES (p_bucket, v_now, v_now, p_interval)
  ON CONFLICT (bucket) DO NOTHING;
  IF FOUND THEN
    RETURN 0;
  END IF;
  SELECT send_interval INTO v_old FROM send_rate WHERE bucket = p_bucket FOR UPDATE;
  IF v_old IS NOT DISTINCT FROM p_interval THEN
    RETURN 0;
  END IF;
  UPDATE send_rate SET send_interval = p_interval WHERE bucket = p_bucket;
  -- A bucket written before V85 has no interval: nothing to scale from.
  IF v_old IS NULL THEN
    RETURN 0;
  END IF;
  v_ratio := extract(epoch FROM p_interval) / extract(epoch FROM v_old);
  UPDATE send_rate
  SET tat = CASE WHEN tat > v_now THEN v_now + (tat - v_now) * v_ratio ELSE tat END,
      sent_tat = CASE WHEN sent_tat > v_now THEN v_now + (sent_tat - v_now) * v_ratio ELSE sent_tat END
  WHERE bucket = p_bucket;
  WITH booked AS (
    SELECT holder, due_at FROM send_slot WHERE bucket = p_bucket AND due_at > v_now FOR UPDATE),
  moved AS (
    UPDATE send_slot s SET due_at = v_now + (b.due_at - v_now) * v_ratio
    FROM booked b WHERE s.bucket = p_bucket AND s.holder = b.holder
    RETURNING s.holder, b.due_at AS old_due, s.due_at AS new_due)
  UPDATE job j SET run_at = m.new_due
  FROM moved m
  WHERE j.job_key = m.holder AND j.state = 'available' AND j.run_at > m.new_due
    AND j.run_at BETWEEN m.old_due - interval '5 seconds' AND m.old_due + interval '5 seconds';
  GET DIAGNOSTICS v_moved = ROW_COUNT;
  RETURN v_moved;
END $$;
