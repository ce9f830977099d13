-- job_lease served only the rescue query, but its predicate (state = 'running') is implied by every write that
-- fences on a running attempt (complete, heartbeat, give-back, retry, bury, markDone). When the statistics were taken
-- while nothing ran, the planner costed that index at one row and drove those writes through it: a nested loop that
-- compares every running job with every id in the batch, so a 700-job completion batch took ~90 ms and the heartbeat
-- seconds, and the backlog of unwritten completions grew. Requiring lease_until IS NOT NULL keeps the index for
-- rescue (lease_until < :now implies it) and leaves those writes on the primary key.
DROP INDEX job_lease;
CREATE INDEX job_lease ON job (lease_until) WHERE state = 'running' AND lease_until IS NOT NULL;
