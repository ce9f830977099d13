package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobRef;
import dev.relaybox.application.jobs.MaintenanceReport;
import dev.relaybox.application.jobs.RelayResult;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.JobStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.postgresql.PGConnection;

/** The job tables as the runner uses them. Each method is one short transaction. */
public final class JdbiJobStore implements JobStore {
  /** Advisory lock key for maintenance: ASCII "rbx-mnt". */
  static final long MAINTENANCE_LOCK = 0x7262782d6d6e74L;
  /** Advisory lock key for the outbox relay: ASCII "rbx-rly". */
  static final long RELAY_LOCK = 0x7262782d726c79L;

  /**
   * The relay and maintenance each run under a transaction-scoped advisory lock that the other nodes skip rather than
   * wait for. A node paused while holding one (a long GC, SIGSTOP, a VM migration) would stall the whole fleet's relay
   * or lease rescue, so those transactions may sit idle only this long before Postgres ends the session and the lock
   * goes with it. Each is a few statements sent back to back, so a healthy node is never near it. The pool sets the
   * same limit on every session; set here too, the lock holders keep it on a pool configured elsewhere.
   */
  private static final String LOCK_HOLDER_IDLE_LIMIT = ConnectionPool.IDLE_IN_TRANSACTION_LIMIT;

  /** In this order: {@link #claimedJob} reads them by position. */
  private static final String CLAIMED_COLUMNS =
      "j.id, j.subscription, j.event_id, j.event_type, j.job_key, j.payload::text AS payload, j.headers::text AS headers, j.attempts, j.lease_token, j.created_at";

  // claim_jobs (V84) runs the pick and the lease with sequential scans off: planned from the statistics of the moment,
  // the claim sorted or hash-joined a sequential scan of the whole job table while they still described it as small.
  private static final String CLAIM =
      "SELECT %s FROM claim_jobs(:subscription, :now, :limit, :node, :leaseUntil) j".formatted(CLAIMED_COLUMNS);

  // A keyed job runs only as the head of its key: no job of the key is running, and none earlier is waiting (dead jobs
  // no longer hold their key). The running keys are read once per claim, so a hot key's queue behind its running
  // head costs a comparison per row; the head is then checked per candidate as a correlated min(seq), one probe of
  // job_fifo. Written as NOT EXISTS (an earlier unfinished job of the key), the planner made it an anti-join that
  // scanned every unfinished job of the subscription once per candidate: 801,600 rows examined for one claim of 200
  // among 2,000 waiting jobs; in a 3-jar run of the cluster kit's mixed load (four hot keys) it took more statement
  // time than all other statements together, 13 ms a claim.
  static final String CLAIM_FIFO = """
      WITH picked AS (
        SELECT c.id FROM job c
        WHERE c.subscription = :subscription AND c.state = 'available' AND c.run_at <= :now
          AND (c.job_key IS NULL OR (
            c.job_key <> ALL (ARRAY(
              SELECT r.job_key FROM job r
              WHERE r.subscription = :subscription AND r.state = 'running' AND r.job_key IS NOT NULL))
            AND c.seq = (
              SELECT min(p.seq) FROM job p
              WHERE p.subscription = c.subscription AND p.job_key = c.job_key
                AND p.state IN ('available', 'running') AND p.job_key IS NOT NULL)))
        ORDER BY c.run_at, c.id
        LIMIT :limit
        FOR UPDATE SKIP LOCKED)
      UPDATE job j SET state = 'running', attempts = j.attempts + 1, lease_owner = :node, lease_until = :leaseUntil,
                       lease_token = nextval('job_lease_token')
      WHERE j.id = ANY (ARRAY(SELECT id FROM picked))
      RETURNING %s""".formatted(CLAIMED_COLUMNS);

  // One relay at a time, chosen by pg_try_advisory_xact_lock (see relay()): a relay that skipped the events another
  // relay is still fanning out could commit jobs for a key's later events first, and a FIFO subscription would run them
  // before the earlier event's job exists. Nodes used to queue behind each other on these rows (FOR UPDATE without SKIP
  // LOCKED), every node woken by a NOTIFY holding a connection idle in transaction; now the losers skip. FOR UPDATE
  // stays so that a relay without the lock (a node of an older version during a rolling upgrade) still queues.
  private static final String RELAY = """
      WITH batch AS (
        SELECT id, event_id, event_type, event_key, payload, headers FROM outbox_event
        WHERE relayed_at IS NULL
        ORDER BY id
        LIMIT :limit
        FOR UPDATE),
      fanned AS (
        INSERT INTO job (subscription, seq, event_id, event_type, job_key, payload, headers, state, run_at, created_at)
        SELECT s.name, b.id, b.event_id, b.event_type, b.event_key, b.payload, b.headers, 'available', :now, :now
        FROM batch b JOIN job_subscription s
          ON (s.event_filter = '*'
              OR s.event_filter = b.event_type
              OR (s.event_filter LIKE '%.*' AND starts_with(b.event_type, left(s.event_filter, -1))))
          AND (s.wanted_types IS NULL OR EXISTS (
                SELECT 1 FROM unnest(s.wanted_types) AS w(pattern)
                WHERE w.pattern = '*' OR w.pattern = b.event_type
                   OR (w.pattern LIKE '%.*' AND starts_with(b.event_type, left(w.pattern, -1)))))
        ORDER BY b.id, s.name
        ON CONFLICT (subscription, event_id) WHERE event_id IS NOT NULL DO NOTHING
        RETURNING subscription),
      marked AS (
        UPDATE outbox_event o SET relayed_at = :now FROM batch b WHERE o.id = b.id RETURNING o.id),
      created AS (
        SELECT subscription, count(*) AS n FROM fanned GROUP BY subscription)
      SELECT NULL AS subscription, count(*) AS n FROM marked
      UNION ALL
      SELECT c.subscription, c.n FROM created c CROSS JOIN LATERAL pg_notify(:channel, c.subscription)""";

  private final Jdbi jdbi;
  private final Headers headers;

  public JdbiJobStore(Jdbi jdbi, ObjectMapper json) {
    this.jdbi = jdbi;
    this.headers = new Headers(json);
  }

  @Override
  public void registerSubscriptions(List<Subscription> subscriptions) {
    jdbi.useTransaction(h -> {
      var batch = h.prepareBatch("""
          INSERT INTO job_subscription (name, event_filter, max_attempts, fifo_per_key, updated_at)
          VALUES (:name, :filter, :maxAttempts, :fifo, now())
          ON CONFLICT (name) DO UPDATE SET event_filter = excluded.event_filter, max_attempts = excluded.max_attempts,
            fifo_per_key = excluded.fifo_per_key, updated_at = excluded.updated_at""");
      for (Subscription s : subscriptions) {
        batch.bind("name", s.name())
            .bind("filter", s.filter().map(f -> f.pattern()).orElse(null))
            .bind("maxAttempts", s.retry().maxAttempts())
            .bind("fifo", s.fifoPerKey())
            .add();
      }
      if (!subscriptions.isEmpty()) {
        batch.execute();
      }
    });
  }

  @Override
  public List<ClaimedJob> claim(ClaimRequest request) {
    if (!request.fifoPerKey()) {
      return jdbi.withHandle(h -> bindClaim(h.createQuery(CLAIM), request).map((rs, ctx) -> claimedJob(rs, request)).list());
    }
    return jdbi.inTransaction(h -> {
      // As claim_jobs for an unordered subscription: without sequential scans, whatever the statistics say.
      h.execute("SET LOCAL enable_seqscan = off");
      return bindClaim(h.createQuery(CLAIM_FIFO), request).map((rs, ctx) -> claimedJob(rs, request)).list();
    });
  }

  private static Query bindClaim(Query query, ClaimRequest request) {
    return query.bind("subscription", request.subscription())
        .bind("now", request.now())
        .bind("limit", request.limit())
        .bind("node", request.node())
        .bind("leaseUntil", request.leaseUntil());
  }

  @Override
  public List<JobRef> complete(Collection<JobRef> jobs, Instant now) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    // The hottest statement of the engine (one per completion batch of up to 1,000 jobs): plain JDBC with primitive
    // arrays, which the driver sends in binary, instead of boxed lists that Jdbi's argument binding turns into text.
    List<JobRef> sorted = byId(jobs);
    long[] ids = new long[sorted.size()];
    long[] tokens = new long[sorted.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = sorted.get(i).id();
      tokens[i] = sorted.get(i).token();
    }
    return jdbi.withHandle(h -> {
      Connection c = h.getConnection();
      Set<Long> written = new HashSet<>(ids.length * 2);
      try (PreparedStatement update = c.prepareStatement(COMPLETE)) {
        PGConnection pg = c.unwrap(PGConnection.class);
        update.setObject(1, now.atOffset(ZoneOffset.UTC));
        update.setArray(2, pg.createArrayOf("int8", ids));
        update.setArray(3, pg.createArrayOf("int8", tokens));
        try (ResultSet rs = update.executeQuery()) {
          while (rs.next()) {
            written.add(rs.getLong(1));
          }
        }
      } catch (SQLException e) {
        throw new IllegalStateException("could not complete " + ids.length + " jobs: " + e.getMessage(), e);
      }
      if (written.size() == ids.length) {
        return List.<JobRef>of();
      }
      List<JobRef> notWritten = sorted.stream().filter(job -> !written.contains(job.id())).toList();
      // A handler's own markDone already completed its job under this token: not stale. It committed before the
      // handler returned, so this later statement sees it.
      Set<Long> doneByUs = new HashSet<>(h.createQuery("""
              SELECT j.id FROM job j JOIN unnest(:ids, :tokens) AS c(id, token) ON j.id = c.id AND j.lease_token = c.token
              WHERE j.state = 'done'""")
          .bindArray("ids", Long.class, ids(notWritten))
          .bindArray("tokens", Long.class, tokens(notWritten))
          .mapTo(Long.class)
          .list());
      return notWritten.stream().filter(job -> !doneByUs.contains(job.id())).toList();
    });
  }

  // complete_jobs (V83) is the UPDATE of the batch, planned as primary-key look-ups whatever the statistics say.
  private static final String COMPLETE = "SELECT id FROM complete_jobs(?, ?, ?) AS id";

  @Override
  public boolean retry(JobRef job, Instant runAt, JobFailure failure) {
    return jdbi.inTransaction(h -> {
      int updated = h.createUpdate("""
              UPDATE job SET state = 'available', run_at = :runAt, lease_owner = NULL, lease_until = NULL,
                             lease_token = NULL, last_error = :error
              WHERE id = :id AND lease_token = :token AND state = 'running'""")
          .bind("id", job.id())
          .bind("token", job.token())
          .bind("runAt", runAt)
          .bind("error", failure.error())
          .execute();
      if (updated == 1) {
        recordHistory(h, job.id(), "error", failure);
        notifyJobs(h, job.id());
      }
      return updated == 1;
    });
  }

  @Override
  public boolean defer(JobRef job, Instant runAt) {
    return jdbi.inTransaction(h -> {
      int updated = h.createUpdate("""
              UPDATE job SET state = 'available', attempts = attempts - 1, run_at = :runAt, lease_owner = NULL,
                             lease_until = NULL, lease_token = NULL
              WHERE id = :id AND lease_token = :token AND state = 'running'""")
          .bind("id", job.id())
          .bind("token", job.token())
          .bind("runAt", runAt)
          .execute();
      if (updated == 1) {
        notifyJobs(h, job.id());
      }
      return updated == 1;
    });
  }

  @Override
  public boolean bury(JobRef job, JobFailure failure) {
    return jdbi.inTransaction(h -> {
      int updated = h.createUpdate("""
              UPDATE job SET state = 'dead', finished_at = :now, lease_owner = NULL, lease_until = NULL, last_error = :error
              WHERE id = :id AND lease_token = :token AND state = 'running'""")
          .bind("id", job.id())
          .bind("token", job.token())
          .bind("now", failure.at())
          .bind("error", failure.error())
          .execute();
      if (updated == 1) {
        recordHistory(h, job.id(), "error", failure);
      }
      return updated == 1;
    });
  }

  @Override
  public List<JobRef> extendLeases(String node, Collection<JobRef> jobs, Instant leaseUntil) {
    if (jobs.isEmpty()) {
      return List.of();
    }
    List<JobRef> sorted = byId(jobs);
    return jdbi.withHandle(h -> {
      // The rows are locked in id order before any is updated, as complete_jobs updates them: joined to unnest(), the
      // update locked them in whatever order its plan read the table, and deadlocked with a completion batch holding
      // some of the same jobs (an attacker's run at 800 requests/s from a fresh install; each costs both a second).
      Set<Long> extended = new HashSet<>(h.createQuery("""
              WITH locked AS (SELECT id FROM job WHERE id = ANY (:ids) ORDER BY id FOR UPDATE)
              UPDATE job j SET lease_until = :leaseUntil
              FROM unnest(:ids, :tokens) AS c(id, token)
              WHERE j.id = ANY (ARRAY(SELECT id FROM locked)) AND j.id = c.id AND j.lease_token = c.token
                AND j.state = 'running'
              RETURNING j.id""")
          .bindArray("ids", Long.class, ids(sorted))
          .bindArray("tokens", Long.class, tokens(sorted))
          .bind("leaseUntil", leaseUntil)
          .mapTo(Long.class)
          .list());
      List<JobRef> notExtended = sorted.stream().filter(job -> !extended.contains(job.id())).toList();
      if (notExtended.isEmpty()) {
        return List.of();
      }
      // A separate statement, so it sees completions that committed while the update above waited for their rows:
      // a job finished under the same token (a completion batch, a handler's own markDone) was not lost.
      Set<Long> finishedByUs = new HashSet<>(h.createQuery("""
              SELECT j.id FROM job j JOIN unnest(:ids, :tokens) AS c(id, token) ON j.id = c.id AND j.lease_token = c.token
              WHERE j.state IN ('done', 'dead')""")
          .bindArray("ids", Long.class, ids(notExtended))
          .bindArray("tokens", Long.class, tokens(notExtended))
          .mapTo(Long.class)
          .list());
      return notExtended.stream().filter(job -> !finishedByUs.contains(job.id())).toList();
    });
  }

  @Override
  public void giveBack(Collection<JobRef> jobs) {
    if (jobs.isEmpty()) {
      return;
    }
    List<JobRef> sorted = byId(jobs);
    jdbi.useHandle(h -> h.createUpdate("""
            UPDATE job j SET state = 'available', attempts = j.attempts - 1, lease_owner = NULL, lease_until = NULL,
                             lease_token = NULL
            FROM unnest(:ids, :tokens) AS c(id, token)
            WHERE j.id = c.id AND j.lease_token = c.token AND j.state = 'running'""")
        .bindArray("ids", Long.class, ids(sorted))
        .bindArray("tokens", Long.class, tokens(sorted))
        .execute());
  }

  /** The transaction's idle limit and the advisory lock in one round trip; false when another node holds the lock. */
  private static boolean tryLockHolderLock(Handle h, long key) {
    return h.createQuery("""
            SELECT set_config('idle_in_transaction_session_timeout', :idleLimit, true) IS NOT NULL
               AND pg_try_advisory_xact_lock(:key)""")
        .bind("idleLimit", LOCK_HOLDER_IDLE_LIMIT).bind("key", key).mapTo(Boolean.class).one();
  }

  @Override
  public RelayResult relay(int batchSize, Instant now) {
    return jdbi.inTransaction(h -> {
      if (!tryLockHolderLock(h, RELAY_LOCK)) {
        return RelayResult.skippedBusy();
      }
      int events = 0;
      Map<String, Integer> jobs = new HashMap<>();
      for (var row : h.createQuery(RELAY).bind("limit", batchSize).bind("now", now).bind("channel", Signals.JOBS_CHANNEL)
          .map((rs, ctx) -> Map.entry(Optional.ofNullable(rs.getString("subscription")), rs.getInt("n"))).list()) {
        if (row.getKey().isEmpty()) {
          events = row.getValue();
        } else {
          jobs.put(row.getKey().get(), row.getValue());
        }
      }
      return new RelayResult(events, jobs);
    });
  }

  @Override
  public Optional<MaintenanceReport> maintain(Instant now, Instant pruneBefore, int batchSize) {
    return jdbi.inTransaction(h -> {
      if (!tryLockHolderLock(h, MAINTENANCE_LOCK)) {
        return Optional.empty();
      }
      List<String> rescued = h.createQuery("""
              WITH expired AS (
                SELECT j.id, j.attempts, j.lease_owner, s.max_attempts
                FROM job j LEFT JOIN job_subscription s ON s.name = j.subscription
                WHERE j.state = 'running' AND j.lease_until < :now
                ORDER BY j.lease_until
                LIMIT :limit
                FOR UPDATE OF j SKIP LOCKED),
              moved AS (
                UPDATE job j
                SET state = CASE WHEN e.attempts >= coalesce(e.max_attempts, 10) THEN 'dead' ELSE 'available' END,
                    finished_at = CASE WHEN e.attempts >= coalesce(e.max_attempts, 10) THEN CAST(:now AS timestamptz) END,
                    run_at = :now, lease_owner = NULL, lease_until = NULL, lease_token = NULL,
                    last_error = 'lease expired on node ' || coalesce(e.lease_owner, '?')
                FROM expired e WHERE j.id = e.id
                RETURNING j.id, j.attempts, j.state, e.lease_owner),
              logged AS (
                INSERT INTO job_history (job_id, at, kind, attempt, node, message)
                SELECT id, :now, 'lease_expired', attempts, lease_owner,
                       'lease expired: the node died or stalled during attempt ' || attempts
                FROM moved)
              SELECT state FROM moved""")
          .bind("now", now)
          .bind("limit", batchSize)
          .mapTo(String.class)
          .list();
      int prunedJobs = h.createUpdate("""
              DELETE FROM job WHERE id IN (
                SELECT id FROM job WHERE state IN ('done', 'cancelled') AND finished_at < :before LIMIT :limit)""")
          .bind("before", pruneBefore)
          .bind("limit", batchSize)
          .execute();
      int prunedEvents = h.createUpdate("""
              DELETE FROM outbox_event WHERE id IN (
                SELECT id FROM outbox_event WHERE created_at < :before AND relayed_at IS NOT NULL LIMIT :limit)""")
          .bind("before", pruneBefore)
          .bind("limit", batchSize)
          .execute();
      // webhook delivery attempts are history like done jobs: kept as long, so GET …/deliveries covers the retention
      int prunedAttempts = h.createUpdate("""
              DELETE FROM outbound_delivery WHERE id IN (
                SELECT id FROM outbound_delivery WHERE at < :before LIMIT :limit)""")
          .bind("before", pruneBefore)
          .bind("limit", batchSize)
          .execute();
      h.createQuery("SELECT fold_job_finished_tally()::text").mapTo(String.class).list();
      if (!rescued.isEmpty()) {
        notifyAll(h);
      }
      int buried = (int) rescued.stream().filter("dead"::equals).count();
      return Optional.of(new MaintenanceReport(rescued.size(), buried, prunedJobs, prunedEvents, prunedAttempts));
    });
  }

  /**
   * Batched writes lock their rows in id order (the plan walks the id array into the primary key), so a heartbeat
   * and a completion batch that share jobs queue behind each other instead of deadlocking.
   */
  private static List<JobRef> byId(Collection<JobRef> jobs) {
    return jobs.stream().sorted(Comparator.comparingLong(JobRef::id)).toList();
  }

  private static List<Long> ids(List<JobRef> jobs) {
    return jobs.stream().map(JobRef::id).toList();
  }

  private static List<Long> tokens(List<JobRef> jobs) {
    return jobs.stream().map(JobRef::token).toList();
  }

  private void recordHistory(Handle h, long jobId, String kind, JobFailure failure) {
    h.createUpdate("INSERT INTO job_history (job_id, at, kind, attempt, node, message) VALUES (:id, :at, :kind, :attempt, :node, :message)")
        .bind("id", jobId)
        .bind("at", failure.at())
        .bind("kind", kind)
        .bind("attempt", failure.attempt())
        .bind("node", failure.node())
        .bind("message", failure.error())
        .execute();
  }

  private void notifyJobs(Handle h, long jobId) {
    h.createQuery("SELECT pg_notify(:channel, subscription) FROM job WHERE id = :id AND run_at <= now()")
        .bind("channel", Signals.JOBS_CHANNEL)
        .bind("id", jobId)
        .mapTo(String.class)
        .findOne();
  }

  private void notifyAll(Handle h) {
    h.createQuery("SELECT pg_notify(:channel, name) FROM job_subscription")
        .bind("channel", Signals.JOBS_CHANNEL)
        .mapTo(String.class)
        .list();
  }

  /** Reads the columns of {@link #CLAIMED_COLUMNS} by position (no name lookup per column and row). */
  private ClaimedJob claimedJob(ResultSet rs, ClaimRequest request) throws SQLException {
    return new ClaimedJob(
        rs.getLong(1),
        rs.getString(2),
        Optional.ofNullable(rs.getObject(3, UUID.class)),
        Optional.ofNullable(rs.getString(4)),
        Optional.ofNullable(rs.getString(5)),
        rs.getString(6),
        headers.read(rs.getString(7)),
        rs.getInt(8),
        rs.getLong(9),
        rs.getObject(10, OffsetDateTime.class).toInstant(),
        request.leaseUntil());
  }
}
