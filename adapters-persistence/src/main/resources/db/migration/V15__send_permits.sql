-- Fleet-wide rate limits for third parties (one bucket per channel), as GCRA on the database's clock, which is the
-- fleet's one clock for this.
--   send_rate.sent_tat: theoretical arrival time of the next actual send; every grant must fit it, so the sends the
--                       third party sees never exceed the burst plus the rate, whenever callers come back.
--   send_rate.tat:      the same schedule including the slots reserved for callers that must wait.
--   send_slot:          one reserved slot per waiting caller (holder = the request id); coming back, the caller gets
--                       its slot, so waiting calls drain in order at the allowed pace instead of all waking at once.
CREATE TABLE send_rate (
  bucket text PRIMARY KEY,
  tat timestamptz NOT NULL,
  sent_tat timestamptz NOT NULL
);

CREATE TABLE send_slot (
  bucket text NOT NULL,
  holder text NOT NULL,
  due_at timestamptz NOT NULL,
  PRIMARY KEY (bucket, holder)
);
CREATE INDEX send_slot_due ON send_slot (bucket, due_at);

-- How long the holder must wait: 0 means the permit is taken now. One call, one short transaction; the bucket's row
-- lock orders concurrent callers on every node.
CREATE FUNCTION take_send_permit(p_bucket text, p_holder text, p_interval interval, p_tolerance interval)
RETURNS interval LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_tat timestamptz;
  v_sent timestamptz;
  v_send_from timestamptz;
  v_due timestamptz;
BEGIN
  INSERT INTO send_rate AS r (bucket, tat, sent_tat) VALUES (p_bucket, v_now, v_now)
  ON CONFLICT (bucket) DO UPDATE SET tat = r.tat
  RETURNING greatest(r.tat, v_now), greatest(r.sent_tat, v_now) INTO v_tat, v_sent;
  v_send_from := v_sent - p_tolerance;

  SELECT due_at INTO v_due FROM send_slot WHERE bucket = p_bucket AND holder = p_holder;
  IF NOT FOUND THEN
    v_due := v_tat - p_tolerance;
    UPDATE send_rate SET tat = v_tat + p_interval WHERE bucket = p_bucket;
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
  UPDATE send_rate SET sent_tat = v_sent + p_interval WHERE bucket = p_bucket;
  RETURN interval '0';
END $$;
