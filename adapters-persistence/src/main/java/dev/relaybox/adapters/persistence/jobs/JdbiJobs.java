package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.Jobs;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/** Enqueues jobs inside the caller's transaction and wakes the subscription's pollers when the job is due now. */
public final class JdbiJobs implements Jobs {
  private final JdbiUnitOfWork unitOfWork;
  private final Headers headers;
  private final Clock clock;

  public JdbiJobs(JdbiUnitOfWork unitOfWork, ObjectMapper json, Clock clock) {
    this.unitOfWork = unitOfWork;
    this.headers = new Headers(json);
    this.clock = clock;
  }

  @Override
  public Optional<Long> enqueue(EnqueueJob job) {
    Instant now = clock.instant();
    Instant runAt = job.runAt().orElse(now);
    return unitOfWork.currentHandle("Jobs.enqueue")
        .createQuery("""
            WITH enqueued AS (
              INSERT INTO job (subscription, seq, job_key, dedupe_key, payload, headers, state, run_at, created_at)
              VALUES (:subscription, nextval('relay_order'), :key, :dedupeKey, CAST(:payload AS jsonb), CAST(:headers AS jsonb),
                      'available', :runAt, :now)
              ON CONFLICT (subscription, dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('available', 'running')
              DO NOTHING
              RETURNING id)
            SELECT id, CASE WHEN :due THEN pg_notify(:channel, :subscription) END FROM enqueued""")
        .bind("subscription", job.handler())
        .bind("key", job.key().orElse(null))
        .bind("dedupeKey", job.dedupeKey().orElse(null))
        .bind("payload", job.payloadJson())
        .bind("headers", headers.write(job.headers()))
        .bind("runAt", runAt)
        .bind("now", now)
        .bind("due", !runAt.isAfter(now))
        .bind("channel", Signals.JOBS_CHANNEL)
        .map((rs, ctx) -> rs.getLong(1))
        .findOne();
  }

  @Override
  public void markDone(JobRef job) {
    int updated = unitOfWork.currentHandle("Jobs.markDone")
        .createQuery("""
            WITH done AS (
              UPDATE job SET state = 'done', finished_at = :now, lease_owner = NULL, lease_until = NULL
              WHERE id = :id AND lease_token = :token AND state = 'running'
              RETURNING subscription),
            %s
            SELECT count(*) FROM done""".formatted(FinishedJobTally.counted("done", "done", 1)))
        .bind("id", job.id())
        .bind("token", job.token())
        .bind("now", clock.instant())
        .mapTo(Integer.class)
        .one();
    if (updated == 0) {
      throw new LeaseLostException(job, "markDone");
    }
  }

  @Override
  public boolean stillHeld(JobRef job) {
    // Joins the caller's transaction if one is open, else one statement on its own (no BEGIN/COMMIT round trips: it
    // runs before every external send).
    return unitOfWork.read(h -> LeaseCheck.bind(h.createQuery("SELECT " + LeaseCheck.HELD), job)
        .mapTo(Boolean.class)
        .one());
  }

  @Override
  public int cancel(String handler, String dedupeKey, String reason) {
    return unitOfWork.currentHandle("Jobs.cancel")
        .createQuery("""
            WITH cancelled AS (
              UPDATE job SET state = 'cancelled', finished_at = :now, lease_owner = NULL, lease_until = NULL
              WHERE subscription = :subscription AND dedupe_key = :dedupeKey AND state IN ('available', 'running')
              RETURNING id, attempts, subscription),
            logged AS (
              INSERT INTO job_history (job_id, at, kind, attempt, node, message)
              SELECT id, :now, 'cancelled', attempts, NULL, :reason FROM cancelled),
            %s
            SELECT count(*) FROM cancelled""".formatted(FinishedJobTally.counted("cancelled", "cancelled", 1)))
        .bind("subscription", handler)
        .bind("dedupeKey", dedupeKey)
        .bind("reason", reason)
        .bind("now", clock.instant())
        .mapTo(Integer.class)
        .one();
  }
}
