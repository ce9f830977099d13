-- Fencing tokens. Every claim takes a fresh value from job_lease_token, and every write about an attempt (complete,
-- retry, defer, bury, heartbeat, give-back, a handler's own markDone) matches it. The attempt counter could not fence:
-- replay resets it and give-back and defer decrement it, so a handler that lost its job could complete a later
-- attempt with the same number. A sequence never hands a value out twice (nextval is not rolled back), so a stale
-- owner can never match again. Replay, give-back, lease rescue, cancel, retry and defer clear the token; done and dead
-- rows keep the token that finished them, so a heartbeat can tell "finished by us" from "taken from us".
-- Rows running at upgrade time have no token: no new node can write them, and they come back through lease rescue.
CREATE SEQUENCE job_lease_token;
ALTER TABLE job ADD COLUMN lease_token bigint;
