-- A channel's rate is configuration: it changes when a node starts with another RELAYBOX_<NAME>_MAX_PER_SECOND. Slots
-- already reserved were spaced at the old rate, and the deliveries that wait for them are deferred to those slots, so a
-- raised rate did not reach a backlog: 5,000 requests booked at Slack's 1/s kept waiting up to 83 minutes after the
-- rate went to 100,000/s. The bucket now remembers the rate it is scheduled at (interval and burst tolerance); a node
-- starting with another one rescales what lies ahead (the schedule, the reserved slots, and the jobs deferred to them)
-- and the bucket's rate becomes its rate for the whole fleet: nodes still running with the old setting take their
-- permits at the bucket's rate. When they kept theirs, one old node at 2/s booking the backlog's slots 0.5 s apart
-- pushed the schedule ahead of a new node at 1,000/s, which then deferred every delivery until the old node was gone.
ALTER TABLE send_rate ADD COLUMN send_interval interval, ADD COLUMN send_tolerance interval;

-- Called once per channel when a node starts. Returns -1 when the bucket already had this rate (or is new), else how
-- many waiting jobs were brought forward. A job is taken to wait
-- for a slot when its key is the slot's holder (the request id) and it is due within 5 s of the slot (jobs are deferred
-- to their slot on the jar's clock; the slot is on the database's). Jobs are only ever brought forward, never pushed
-- back: after a lowered rate they come back at their old time and are told the new one.
CREATE FUNCTION apply_send_rate(p_bucket text, p_interval interval, p_tolerance interval)
RETURNS integer LANGUAGE plpgsql
SET enable_seqscan = off SET jit = off AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_old interval;
  v_ratio double precision;
  v_moved integer;
BEGIN
  INSERT INTO send_rate (bucket, tat, sent_tat, send_interval, send_tolerance)
  VALUES (p_bucket, v_now, v_now, p_interval, p_tolerance)
  ON CONFLICT (bucket) DO NOTHING;
  IF FOUND THEN
    RETURN -1;
  END IF;
  SELECT send_interval INTO v_old FROM send_rate WHERE bucket = p_bucket FOR UPDATE;
  UPDATE send_rate SET send_interval = p_interval, send_tolerance = p_tolerance WHERE bucket = p_bucket;
  -- Same rate, or a bucket written before V85, which has no interval to scale from.
  IF v_old IS NULL OR v_old = p_interval THEN
    RETURN -1;
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

-- The bucket's row, created on first use and locked for the caller's transaction: its schedule from now on, and the
-- rate it runs at, the bucket's where it has one (the rate of the node that started last) and the caller's otherwise.
CREATE FUNCTION lock_send_rate(p_bucket text, p_now timestamptz, p_interval interval, p_tolerance interval,
                               OUT next_tat timestamptz, OUT next_sent_tat timestamptz,
                               OUT rate_interval interval, OUT rate_tolerance interval)
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO send_rate AS r (bucket, tat, sent_tat) VALUES (p_bucket, p_now, p_now)
  ON CONFLICT (bucket) DO UPDATE SET tat = r.tat
  RETURNING greatest(r.tat, p_now), greatest(r.sent_tat, p_now), coalesce(r.send_interval, p_interval),
            coalesce(r.send_tolerance, p_tolerance)
  INTO next_tat, next_sent_tat, rate_interval, rate_tolerance;
END $$;

-- The permit functions of V15 and V81, at the rate lock_send_rate gives.
CREATE OR REPLACE FUNCTION take_send_permit(p_bucket text, p_holder text, p_interval interval, p_tolerance interval)
RETURNS interval LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_tat timestamptz;
  v_sent timestamptz;
  v_send_from timestamptz;
  v_due timestamptz;
  v_interval interval;
  v_tolerance interval;
BEGIN
  SELECT * INTO v_tat, v_sent, v_interval, v_tolerance FROM lock_send_rate(p_bucket, v_now, p_interval, p_tolerance);
  v_send_from := v_sent - v_tolerance;

  SELECT due_at INTO v_due FROM send_slot WHERE bucket = p_bucket AND holder = p_holder;
  IF NOT FOUND THEN
    v_due := v_tat - v_tolerance;
    UPDATE send_rate SET tat = v_tat + v_interval WHERE bucket = p_bucket;
    -- Slots whose holder never came back (cancelled, delivered elsewhere, gone) only waste capacity: drop old ones.
    DELETE FROM send_slot WHERE bucket = p_bucket AND due_at < v_now - interval '1 hour';
    IF greatest(v_due, v_send_from) > v_now THEN
      INSERT INTO send_slot (bucket, holder, due_at) VALUES (p_bucket, p_holder, greatest(v_due, v_send_from));
      RETURN greatest(v_due, v_send_from) - v_now;
    END IF;
  ELSIF greatest(v_due, v_send_from) > v_now THEN
    RETURN greatest(v_due, v_send_from) - v_now;
  ELSE
    DELETE FROM send_slot WHERE bucket = p_bucket AND holder = p_holder;
  END IF;
  UPDATE send_rate SET sent_tat = v_sent + v_interval WHERE bucket = p_bucket;
  RETURN interval '0';
END $$;

CREATE OR REPLACE FUNCTION take_send_permits_now(p_bucket text, p_max integer, p_interval interval, p_tolerance interval)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_tat timestamptz;
  v_sent timestamptz;
  v_from timestamptz;
  v_n integer;
  v_interval interval;
  v_tolerance interval;
BEGIN
  SELECT * INTO v_tat, v_sent, v_interval, v_tolerance FROM lock_send_rate(p_bucket, v_now, p_interval, p_tolerance);
  v_from := greatest(v_tat, v_sent);
  IF v_from - v_tolerance > v_now THEN
    RETURN 0;
  END IF;
  -- permit i (from 0) is due at v_from + i * interval - tolerance; take those due by now
  v_n := least(p_max, floor(extract(epoch FROM (v_now + v_tolerance - v_from)) / extract(epoch FROM v_interval))::integer + 1);
  UPDATE send_rate SET tat = v_tat + v_n * v_interval, sent_tat = v_sent + v_n * v_interval WHERE bucket = p_bucket;
  RETURN v_n;
END $$;
