package dev.relaybox.adapters.persistence.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.relaybox.adapters.persistence.shared.ConnectionPool;
import dev.relaybox.adapters.persistence.shared.Databases;
import dev.relaybox.adapters.persistence.shared.JdbcTarget;
import dev.relaybox.adapters.persistence.shared.JdbiUnitOfWork;
import dev.relaybox.adapters.persistence.shared.Migrations;
import dev.relaybox.adapters.persistence.testing.TestDatabase;
import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.HandlerRegistration;
import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobHandler;
import dev.relaybox.application.jobs.JobObserver;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.JobRunner;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.application.jobs.port.out.JobSignals;
import dev.relaybox.application.jobs.port.out.OutboxEvent;
import dev.relaybox.domain.shared.EventType;
import java.time.Clock;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jdbi.v3.core.Jdbi;

/**
 * The engine's adapters wired to one fresh, migrated database, plus small helpers to build fixtures. One per test
 * class; runners and listeners it starts are closed by {@link #stopRunners()} (after each test) and {@link #close()}.
 */
final class Engine implements AutoCloseable, AfterEachCallback, AfterAllCallback {
  static final JobSignals NO_SIGNALS = listener -> {};

  final JdbcTarget target;
  final HikariDataSource pool;
  final Jdbi jdbi;
  final JdbiUnitOfWork unitOfWork;
  final ObjectMapper json = new ObjectMapper();
  final Clock clock;
  final OutboxSignal outboxSignal;
  final JdbiOutbox outbox;
  final JdbiJobs jobs;
  final JdbiJobStore store;
  final JdbiJobAdmin admin;
  private final Deque<AutoCloseable> running = new ArrayDeque<>();

  Engine(JdbcTarget target, HikariDataSource pool, Clock clock) {
    this.target = target;
    this.pool = pool;
    this.clock = clock;
    this.jdbi = Databases.jdbi(pool);
    this.unitOfWork = new JdbiUnitOfWork(jdbi);
    this.outboxSignal = new OutboxSignal(jdbi, RunnerSettings.DEFAULT_BATCH_WINDOW);
    this.outbox = new JdbiOutbox(unitOfWork, json, clock, outboxSignal);
    this.jobs = new JdbiJobs(unitOfWork, json, clock);
    this.store = new JdbiJobStore(jdbi, json);
    this.admin = new JdbiJobAdmin(jdbi, unitOfWork, json);
  }

  /** A fresh migrated database on the shared test server. */
  static Engine fresh(Clock clock) {
    JdbcTarget target = TestDatabase.freshDatabase();
    HikariDataSource pool = ConnectionPool.open(target, 20);
    Migrations.apply(pool);
    return new Engine(target, pool, clock);
  }

  static Engine fresh() {
    return fresh(Clock.systemUTC());
  }

  /** Settings for tests: short polls, so a missed wake-up costs little time. */
  static RunnerSettings settings(String node) {
    return RunnerSettings.defaults(node).withPollInterval(Duration.ofMillis(100));
  }

  static HandlerRegistration handle(Subscription subscription, JobHandler handler) {
    return new HandlerRegistration(subscription, handler);
  }

  // ---- intake

  long enqueue(EnqueueJob job) {
    return tryEnqueue(job).orElseThrow(() -> new AssertionError("enqueue was deduplicated: " + job));
  }

  Optional<Long> tryEnqueue(EnqueueJob job) {
    return unitOfWork.inTransaction(() -> jobs.enqueue(job));
  }

  /** Enqueues {@code count} jobs for {@code handler} in transactions of up to 500. */
  List<Long> enqueueMany(String handler, int count) {
    List<Long> ids = new ArrayList<>(count);
    for (int from = 0; from < count; from += 500) {
      int to = Math.min(count, from + 500);
      int start = from;
      ids.addAll(unitOfWork.inTransaction(() -> {
        List<Long> batch = new ArrayList<>();
        for (int i = start; i < to; i++) {
          batch.add(jobs.enqueue(EnqueueJob.of(handler, "{\"n\":" + i + "}")).orElseThrow());
        }
        return batch;
      }));
    }
    return ids;
  }

  UUID publish(String type, String key) {
    return publish(type, key, "{}");
  }

  UUID publish(String type, String key, String payloadJson) {
    UUID id = UUID.randomUUID();
    unitOfWork.inTransaction(() -> outbox.publish(new OutboxEvent(id, new EventType(type), key, payloadJson, Map.of())));
    return id;
  }

  /** Publishes {@code count} events of {@code type} in transactions of up to 500. */
  void publishMany(String type, int count) {
    for (int from = 0; from < count; from += 500) {
      int to = Math.min(count, from + 500);
      int start = from;
      unitOfWork.inTransaction(() -> {
        for (int i = start; i < to; i++) {
          outbox.publish(new OutboxEvent(UUID.randomUUID(), new EventType(type), "k" + (i % 97), "{\"n\":" + i + "}", Map.of()));
        }
      });
    }
  }

  // ---- the store, driven directly

  void register(Subscription... subscriptions) {
    store.registerSubscriptions(List.of(subscriptions));
  }

  /** An operator's cancel, in its own transaction as the admin use case runs it. */
  boolean cancel(long id, Instant now) {
    return unitOfWork.inTransaction(() -> admin.cancel(id, now).isPresent());
  }

  int cancelByDedupeKey(String subscription, String dedupeKey, Instant now) {
    return unitOfWork.inTransaction(() -> admin.cancelByDedupeKey(subscription, dedupeKey, now).size());
  }

  List<ClaimedJob> claim(String subscription, String node, Instant now, Duration lease) {
    return store.claim(new ClaimRequest(subscription, false, 100, node, now, now.plus(lease)));
  }

  ClaimedJob claimOne(String subscription, String node, Instant now, Duration lease) {
    List<ClaimedJob> claimed = claim(subscription, node, now, lease);
    if (claimed.size() != 1) {
      throw new AssertionError("expected to claim one job of " + subscription + " but claimed " + claimed);
    }
    return claimed.getFirst();
  }

  // ---- runners

  JobRunner runner(RunnerSettings settings, HandlerRegistration... registrations) {
    return runner(settings, NO_SIGNALS, new SplittableRandom(), clock, registrations);
  }

  JobRunner runner(RunnerSettings settings, JobSignals signals, RandomGenerator random, Clock runnerClock,
      HandlerRegistration... registrations) {
    return runner(settings, signals, random, runnerClock, JobObserver.NONE, registrations);
  }

  /** A runner on the real clock that reports to {@code observer}. */
  JobRunner runner(RunnerSettings settings, JobSignals signals, JobObserver observer, HandlerRegistration... registrations) {
    return runner(settings, signals, new SplittableRandom(), clock, observer, registrations);
  }

  private JobRunner runner(RunnerSettings settings, JobSignals signals, RandomGenerator random, Clock runnerClock,
      JobObserver observer, HandlerRegistration... registrations) {
    JobRunner runner = new JobRunner(store, signals, List.of(registrations), settings, runnerClock, random, observer);
    running.push(runner);
    runner.start();
    return runner;
  }

  PgNotificationListener listener() {
    PgNotificationListener listener = new PgNotificationListener(target);
    running.push(listener);
    listener.start();
    return listener;
  }

  /** A started listener that is already LISTENing, so no signal sent after this returns is missed. */
  PgNotificationListener listening() {
    PgNotificationListener listener = new PgNotificationListener(target);
    CountDownLatch listening = new CountDownLatch(1);
    listener.listen(new JobSignals.Listener() {
      @Override public void outboxAppended() {}

      @Override public void jobsAvailable(String subscription) {}

      @Override public void resync() {
        listening.countDown();
      }
    });
    running.push(listener);
    listener.start();
    try {
      if (!listening.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the notification listener did not connect");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return listener;
  }

  /** Closes every runner and listener started so far, newest first. */
  void stopRunners() {
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  // ---- queries

  /** A webhook endpoint row for every event type, as the admin API would create it; its id. */
  UUID webhookEndpoint() {
    UUID id = UUID.randomUUID();
    Instant at = Instant.now();
    jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO outbound_endpoint (id, url, event_types, secret, enabled, enabled_since, created_at, updated_at)
            VALUES (:id, 'https://example.com/hook', '["*"]', 'whsec_x', true, :at, :at, :at)""")
        .bind("id", id).bind("at", at).execute());
    return id;
  }

  void sql(String statement) {
    jdbi.useHandle(h -> h.execute(statement));
  }

  long count(String query, Object... args) {
    return jdbi.withHandle(h -> {
      var q = h.createQuery(query);
      for (int i = 0; i < args.length; i++) {
        q.bind(i, args[i]);
      }
      return q.mapTo(Long.class).one();
    });
  }

  JobDetail detail(long jobId) {
    return admin.find(jobId).orElseThrow(() -> new AssertionError("no job " + jobId));
  }

  JobState state(long jobId) {
    return detail(jobId).summary().state();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stopRunners();
    assertFinishedTallyAgrees();
  }

  /** Every write that finishes, cancels or replays a job keeps job_finished_tally in step with the table (V86). */
  void assertFinishedTallyAgrees() {
    List<String> disagreements = jdbi.withHandle(h -> h.createQuery("""
            SELECT coalesce(t.subscription, f.subscription) || ' ' || coalesce(t.state, f.state)
                   || ': table ' || coalesce(t.n, 0) || ', tally ' || coalesce(f.n, 0)
            FROM (SELECT subscription, state, count(*) AS n FROM job WHERE state IN ('done', 'cancelled')
                  GROUP BY subscription, state) t
            FULL JOIN (SELECT subscription, state, sum(n) AS n FROM job_finished_tally GROUP BY subscription, state
                       HAVING sum(n) <> 0) f ON f.subscription = t.subscription AND f.state = t.state
            WHERE t.n IS DISTINCT FROM f.n""")
        .mapTo(String.class)
        .list());
    if (!disagreements.isEmpty()) {
      throw new AssertionError("the tally of finished jobs disagrees with the job table: " + disagreements);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    stopRunners();
    outboxSignal.close();
    pool.close();
  }
}
