package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.adapters.persistence.shared.KeysetPage;
import dev.relaybox.application.jobs.CancelledJob;
import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobPage;
import dev.relaybox.application.jobs.JobQuery;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.JobSummary;
import dev.relaybox.application.jobs.ReplayFilter;
import dev.relaybox.application.jobs.SubscriptionStats;
import dev.relaybox.application.jobs.port.out.JobAdmin;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Operator queries and commands over the job tables. */
public final class JdbiJobAdmin implements JobAdmin {
  private static final String SUMMARY_COLUMNS = """
      id, subscription, state, event_id, event_type, job_key, dedupe_key, attempts, run_at, created_at, finished_at,
      lease_owner, lease_until, last_error""";

  private final Jdbi jdbi;
  private final JdbiUnitOfWork unitOfWork;
  private final Headers headers;

  public JdbiJobAdmin(Jdbi jdbi, JdbiUnitOfWork unitOfWork, ObjectMapper json) {
    this.jdbi = jdbi;
    this.unitOfWork = unitOfWork;
    this.headers = new Headers(json);
  }

  @Override
  public JobPage list(JobQuery query) {
    List<JobSummary> rows = jdbi.withHandle(h -> h.createQuery("""
            SELECT %s FROM job
            WHERE (CAST(:state AS text) IS NULL OR state = :state)
              AND (CAST(:subscription AS text) IS NULL OR subscription = :subscription)
              AND (CAST(:before AS bigint) IS NULL OR id < :before)
              AND (CAST(:key AS text) IS NULL OR job_key = :key)
            ORDER BY id DESC
            LIMIT :limit""".formatted(SUMMARY_COLUMNS))
        .bind("state", query.state().map(JobState::wire).orElse(null))
        .bind("subscription", query.subscription().orElse(null))
        .bind("before", query.beforeId().orElse(null))
        .bind("key", query.key().orElse(null))
        .bind("limit", query.limit() + 1)
        .map((rs, ctx) -> summary(rs))
        .list());
    var page = KeysetPage.of(rows, query.limit(), JobSummary::id);
    return new JobPage(page.rows(), page.next());
  }

  @Override
  public Optional<JobDetail> find(long id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT %s, payload::text AS payload, headers::text AS headers FROM job WHERE id = :id"
            .formatted(SUMMARY_COLUMNS))
        .bind("id", id)
        .map((rs, ctx) -> new JobDetail(summary(rs), rs.getString("payload"), headers.read(rs.getString("headers")), List.of()))
        .findOne()
        .map(job -> new JobDetail(job.summary(), job.payloadJson(), job.headers(), history(h, id))));
  }

  @Override
  public boolean replay(long id, Instant now) {
    return jdbi.inTransaction(h -> replayWhere(h, "j.id = :id", now, Map.of("id", id)) == 1);
  }

  @Override
  public int replay(ReplayFilter filter, Instant now) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("subscription", filter.subscription().orElse(null));
    params.put("from", filter.diedFrom().orElse(null));
    params.put("until", filter.diedUntil().orElse(null));
    params.put("limit", filter.limit());
    return jdbi.inTransaction(h -> replayWhere(h, """
        j.id IN (SELECT id FROM job WHERE state = 'dead'
                 AND (CAST(:subscription AS text) IS NULL OR subscription = :subscription)
                 AND (CAST(:from AS timestamptz) IS NULL OR finished_at >= :from)
                 AND (CAST(:until AS timestamptz) IS NULL OR finished_at < :until)
               ORDER BY id LIMIT :limit)""", now, params));
  }

  // A replay starts a fresh round of attempts; the history keeps the old ones. A job whose dedupe key is held by a
  // newer unfinished job stays dead rather than running twice.
  private int replayWhere(Handle h, String condition, Instant now, Map<String, Object> params) {
    var query = h.createQuery("""
        WITH replayed AS (
          UPDATE job j SET state = 'available', attempts = 0, run_at = :now, finished_at = NULL,
                           lease_owner = NULL, lease_until = NULL, lease_token = NULL
          FROM job was
          WHERE was.id = j.id AND %s AND j.state IN ('dead', 'cancelled')
            AND (j.dedupe_key IS NULL OR NOT EXISTS (
              SELECT 1 FROM job o WHERE o.subscription = j.subscription AND o.dedupe_key = j.dedupe_key
                AND o.state IN ('available', 'running') AND o.id <> j.id))
          RETURNING j.id, j.subscription, was.state AS was),
        uncancelled AS (SELECT subscription FROM replayed WHERE was = 'cancelled'),
        %s,
        logged AS (
          INSERT INTO job_history (job_id, at, kind, attempt, node, message)
          SELECT id, :now, 'replayed', 0, NULL, 'replayed by an operator' FROM replayed),
        woken AS (
          SELECT pg_notify(:channel, subscription) FROM (SELECT DISTINCT subscription FROM replayed) s)
        SELECT (SELECT count(*) FROM replayed) AS replayed, (SELECT count(*) FROM woken) AS woken"""
        .formatted(condition, FinishedJobTally.counted("uncancelled", "cancelled", -1)));
    params.forEach(query::bind);
    return query.bind("now", now).bind("channel", Signals.JOBS_CHANNEL).map((rs, ctx) -> rs.getInt(1)).one();
  }

  @Override
  public Optional<CancelledJob> cancel(long id, Instant now) {
    return cancelWhere("id = :id", now, Map.of("id", id)).stream().findFirst();
  }

  @Override
  public List<CancelledJob> cancelByDedupeKey(String subscription, String dedupeKey, Instant now) {
    // Only the unfinished job holding the key: earlier dead jobs with the same key stay dead letters for replay.
    return cancelWhere("subscription = :subscription AND dedupe_key = :dedupeKey AND state IN ('available', 'running')", now,
        Map.of("subscription", subscription, "dedupeKey", dedupeKey));
  }

  // A running job's lease is revoked with its token, so the node running it interrupts that handler (and not a later
  // attempt it may have claimed after a replay); the writes of the cancelled attempt are fenced out everywhere anyway.
  // The final SELECT reads the count of `revoked` only because a plain SELECT in a WITH runs only when referenced:
  // without it, no pg_notify would be sent.
  private List<CancelledJob> cancelWhere(String condition, Instant now, Map<String, Object> params) {
    var query = unitOfWork.currentHandle("JobAdmin.cancel").createQuery("""
        WITH target AS (
          SELECT id, state AS was, lease_token FROM job
          WHERE %s AND state IN ('available', 'running', 'dead')
          FOR UPDATE),
        cancelled AS (
          UPDATE job j SET state = 'cancelled', finished_at = :now, lease_owner = NULL, lease_until = NULL, lease_token = NULL
          FROM target t WHERE j.id = t.id
          RETURNING j.id, j.subscription, j.job_key, j.payload, j.attempts, t.was, t.lease_token),
        logged AS (
          INSERT INTO job_history (job_id, at, kind, attempt, node, message)
          SELECT id, :now, 'cancelled', attempts, NULL, 'cancelled by an operator' FROM cancelled),
        %s,
        revoked AS (
          SELECT pg_notify(:channel, id || ':' || lease_token) FROM cancelled WHERE was = 'running' AND lease_token IS NOT NULL)
        SELECT c.id, c.subscription, c.job_key, c.payload::text AS payload, (SELECT count(*) FROM revoked) AS revoked
        FROM cancelled c""".formatted(condition, FinishedJobTally.counted("cancelled", "cancelled", 1)));
    params.forEach(query::bind);
    return query.bind("now", now).bind("channel", Signals.REVOKED_CHANNEL)
        .map((rs, ctx) -> new CancelledJob(rs.getLong("id"), rs.getString("subscription"), Optional.ofNullable(rs.getString("job_key")),
            rs.getString("payload")))
        .list();
  }

  @Override
  public List<SubscriptionStats> stats(Instant now) {
    return jdbi.withHandle(h -> {
      Map<String, Map<JobState, Long>> counts = new LinkedHashMap<>();
      Map<String, Duration> lag = new LinkedHashMap<>();
      h.createQuery("SELECT name FROM job_subscription ORDER BY name").mapTo(String.class)
          .forEach(name -> counts.put(name, emptyCounts()));
      h.createQuery("SELECT subscription, state, n FROM job_counts()")
          .map((rs, ctx) -> {
            counts.computeIfAbsent(rs.getString("subscription"), s -> emptyCounts())
                .put(JobState.fromWire(rs.getString("state")), rs.getLong("n"));
            return null;
          })
          .list();
      h.createQuery("""
              SELECT subscription, min(run_at) AS oldest FROM job
              WHERE state = 'available' AND run_at <= :now GROUP BY subscription""")
          .bind("now", now)
          .map((rs, ctx) -> {
            Instant oldest = rs.getObject("oldest", OffsetDateTime.class).toInstant();
            lag.put(rs.getString("subscription"), Duration.between(oldest, now));
            return null;
          })
          .list();
      List<SubscriptionStats> stats = new ArrayList<>();
      counts.forEach((name, byState) -> stats.add(new SubscriptionStats(name, byState, Optional.ofNullable(lag.get(name)))));
      return stats;
    });
  }

  @Override
  public int backfill(String subscription, Instant since, Instant now) {
    return jdbi.inTransaction(h -> h.createQuery("""
            WITH filled AS (
              INSERT INTO job (subscription, seq, event_id, event_type, job_key, payload, headers, state, run_at, created_at)
              SELECT s.name, e.id, e.event_id, e.event_type, e.event_key, e.payload, e.headers, 'available', :now, :now
              FROM outbox_event e JOIN job_subscription s ON s.name = :subscription
              WHERE e.created_at >= :since AND e.relayed_at IS NOT NULL
                AND (s.event_filter = '*' OR s.event_filter = e.event_type
                     OR (s.event_filter LIKE '%.*' AND starts_with(e.event_type, left(s.event_filter, -1))))
              ORDER BY e.id
              ON CONFLICT (subscription, event_id) WHERE event_id IS NOT NULL DO NOTHING
              RETURNING id)
            SELECT count(*) FROM filled""")
        .bind("subscription", subscription)
        .bind("since", since)
        .bind("now", now)
        .mapTo(Integer.class)
        .one());
  }

  private static Map<JobState, Long> emptyCounts() {
    Map<JobState, Long> counts = new EnumMap<>(JobState.class);
    for (JobState state : JobState.values()) {
      counts.put(state, 0L);
    }
    return counts;
  }

  private List<JobHistoryEntry> history(Handle h, long id) {
    return h.createQuery("SELECT at, kind, attempt, node, message FROM job_history WHERE job_id = :id ORDER BY id")
        .bind("id", id)
        .map((rs, ctx) -> new JobHistoryEntry(rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("kind"),
            rs.getInt("attempt"), Optional.ofNullable(rs.getString("node")), rs.getString("message")))
        .list();
  }

  private static JobSummary summary(ResultSet rs) throws SQLException {
    return new JobSummary(
        rs.getLong("id"),
        rs.getString("subscription"),
        JobState.fromWire(rs.getString("state")),
        Optional.ofNullable(rs.getObject("event_id", UUID.class)),
        Optional.ofNullable(rs.getString("event_type")),
        Optional.ofNullable(rs.getString("job_key")),
        Optional.ofNullable(rs.getString("dedupe_key")),
        rs.getInt("attempts"),
        instant(rs, "run_at").orElseThrow(),
        instant(rs, "created_at").orElseThrow(),
        instant(rs, "finished_at"),
        Optional.ofNullable(rs.getString("lease_owner")),
        instant(rs, "lease_until"),
        Optional.ofNullable(rs.getString("last_error")));
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
  }
}
