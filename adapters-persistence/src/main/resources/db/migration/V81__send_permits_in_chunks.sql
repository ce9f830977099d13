-- Up to p_max permits that may be used now, in one call: for fast rates a node takes a chunk and spends it locally
-- instead of paying a statement per send. Grants only what the schedule allows at once (never reserves a later slot;
-- a caller that gets none falls back to take_send_permit, which does). Same row, same lock, same clock as V15.
CREATE FUNCTION take_send_permits_now(p_bucket text, p_max integer, p_interval interval, p_tolerance interval)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  v_now timestamptz := clock_timestamp();
  v_tat timestamptz;
  v_sent timestamptz;
  v_from timestamptz;
  v_n integer;
BEGIN
  INSERT INTO send_rate AS r (bucket, tat, sent_tat) VALUES (p_bucket, v_now, v_now)
  ON CONFLICT (bucket) DO UPDATE SET tat = r.tat
  RETURNING greatest(r.tat, v_now), greatest(r.sent_tat, v_now) INTO v_tat, v_sent;
  v_from := greatest(v_tat, v_sent);
  IF v_from - p_tolerance > v_now THEN
    RETURN 0;
  END IF;
  -- permit i (from 0) is due at v_from + i * interval - tolerance; take those due by now
  v_n := least(p_max, floor(extract(epoch FROM (v_now + p_tolerance - v_from)) / extract(epoch FROM p_interval))::integer + 1);
  UPDATE send_rate SET tat = v_tat + v_n * p_interval, sent_tat = v_sent + v_n * p_interval WHERE bucket = p_bucket;
  RETURN v_n;
END $$;
