-- The keys of running jobs on a FIFO subscription, read once per claim: a hot key's queue behind its running head is
-- then skipped by comparing keys, without a look-up per waiting job. Running keyed jobs are few (at most the nodes'
-- handler permits), so the index stays small. CONCURRENTLY: the job table may hold millions of finished rows, and a
-- plain build would block every write while it scans them (Flyway runs this statement outside a transaction).
CREATE INDEX CONCURRENTLY IF NOT EXISTS job_running_key ON job (subscription, job_key)
  WHERE state = 'running' AND job_key IS NOT NULL;
