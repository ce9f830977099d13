package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.MutableClock;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.application.jobs.MaintenanceReport;
import dev.relaybox.application.jobs.SubscriptionStats;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Maintenance prunes old history in bounded batches on one node at a time; backfill feeds late subscriptions. */
class MaintenanceTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofDays(7);
  private static final MutableClock clock = MutableClock.startingNow();
  private static Engine engine;
  private Instant now;

  @BeforeAll
  static void startEngine() {
    engine = Engine.fresh(clock);
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @BeforeEach
  void emptyTables() {
    engine.sql("TRUNCATE outbox_event, job, job_subscription CASCADE");
    now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    clock.set(now);
  }

  /** {@code count} jobs of {@code subscription} claimed and finished at {@code at} by {@code finish}. */
  private List<ClaimedJob> claimedAt(String subscription, int count, Instant at) {
    clock.set(at);
    for (int i = 0; i < count; i++) {
      engine.enqueue(EnqueueJob.of(subscription, "{}"));
    }
    List<ClaimedJob> claimed = engine.claim(subscription, "node-a", at, LEASE);
    assertEquals(count, claimed.size());
    return claimed;
  }

  private void doneAt(String subscription, int count, Instant at) {
    engine.store.complete(claimedAt(subscription, count, at).stream().map(ClaimedJob::ref).toList(), at);
  }

  private void deadAt(String subscription, int count, Instant at) {
    for (ClaimedJob job : claimedAt(subscription, count, at)) {
      engine.store.bury(job.ref(), new JobFailure(job.attempt(), at, "node-a", "permanent"));
    }
  }

  private void cancelledAt(String subscription, int count, Instant at) {
    clock.set(at);
    for (int i = 0; i < count; i++) {
      engine.cancel(engine.enqueue(EnqueueJob.of(subscription, "{}").runAt(at.plusSeconds(3600))), at);
    }
  }

  private void eventsAt(String type, int count, Instant at, boolean relay) {
    clock.set(at);
    for (int i = 0; i < count; i++) {
      engine.publish(type, null);
    }
    if (relay) {
      engine.store.relay(500, at);
    }
  }

  @Test
  void prunesDoneJobsAndRelayedEventsOlderThanRetentionInBoundedBatches() {
    Instant old = now.minus(Duration.ofDays(8));
    Instant recent = now.minus(Duration.ofHours(1));
    doneAt("receipts", 25, old);
    cancelledAt("receipts", 2, old);
    deadAt("receipts", 3, old);
    doneAt("receipts", 5, recent);
    eventsAt("audit.logged", 12, old, true);
    eventsAt("audit.logged", 4, recent, true);
    eventsAt("audit.logged", 2, old, false);
    clock.set(now);

    List<MaintenanceReport> passes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      passes.add(engine.store.maintain(now, now.minus(RETENTION), 10).orElseThrow());
    }

    assertEquals(List.of(
        new MaintenanceReport(0, 0, 10, 10, 0),
        new MaintenanceReport(0, 0, 10, 2, 0),
        new MaintenanceReport(0, 0, 7, 0, 0),
        new MaintenanceReport(0, 0, 0, 0, 0)), passes);
    assertEquals(5, engine.count("SELECT count(*) FROM job WHERE state = 'done'"), "recent done jobs are kept");
    assertEquals(3, engine.count("SELECT count(*) FROM job WHERE state = 'dead'"), "dead letters are never pruned");
    assertEquals(0, engine.count("SELECT count(*) FROM job WHERE state = 'cancelled'"));
    assertEquals(3, engine.count("SELECT count(*) FROM job_history"), "history of pruned jobs goes with them");
    assertEquals(2, engine.count("SELECT count(*) FROM outbox_event WHERE relayed_at IS NULL"), "unrelayed events are never pruned");
    assertEquals(4, engine.count("SELECT count(*) FROM outbox_event WHERE relayed_at IS NOT NULL"));
  }

  @Test
  void prunesWebhookDeliveryAttemptsOlderThanRetentionAndKeepsRecentOnes() {
    engine.sql("TRUNCATE outbound_endpoint CASCADE");
    UUID endpoint = UUID.randomUUID();
    engine.jdbi.useHandle(h -> h.createUpdate("""
            INSERT INTO outbound_endpoint (id, url, event_types, secret, enabled, enabled_since, created_at, updated_at)
            VALUES (:id, 'https://example.com/hook', '["*"]', 'whsec_x', true, :at, :at, :at)""")
        .bind("id", endpoint).bind("at", now.minus(Duration.ofDays(30))).execute());
    attemptsAt(endpoint, 12, now.minus(Duration.ofDays(8)));
    attemptsAt(endpoint, 3, now.minus(Duration.ofDays(6)));

    List<Integer> pruned = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pruned.add(engine.store.maintain(now, now.minus(RETENTION), 10).orElseThrow().prunedDeliveryAttempts());
    }

    assertEquals(List.of(10, 2, 0), pruned, "in bounded batches");
    assertEquals(3, engine.count("SELECT count(*) FROM outbound_delivery"), "attempts within retention are kept");
    assertEquals(0, engine.count("SELECT count(*) FROM outbound_delivery WHERE at < now() - interval '7 days'"));
    assertEquals(1, engine.count("SELECT count(*) FROM outbound_endpoint"), "the endpoint itself stays");
  }

  private void attemptsAt(UUID endpoint, int count, Instant at) {
    for (int i = 0; i < count; i++) {
      engine.jdbi.useHandle(h -> h.createUpdate("""
              INSERT INTO outbound_delivery (id, endpoint_id, event_id, event_type, attempt, status, succeeded, summary, latency_ms, at)
              VALUES (:id, :endpoint, :event, 'order.created', 1, 503, false, '503', 12, :at)""")
          .bind("id", UUID.randomUUID()).bind("endpoint", endpoint).bind("event", UUID.randomUUID()).bind("at", at).execute());
    }
  }

  @Test
  void maintenanceSkipsWhileAnotherNodeHoldsTheAdvisoryLock() throws Exception {
    try (Connection otherNode = engine.pool.getConnection()) {
      try (var lock = otherNode.prepareStatement("SELECT pg_advisory_lock(?)")) {
        lock.setLong(1, JdbiJobStore.MAINTENANCE_LOCK);
        lock.execute();
      }

      assertEquals(Optional.empty(), engine.store.maintain(now, now.minus(RETENTION), 10));

      try (var unlock = otherNode.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        unlock.setLong(1, JdbiJobStore.MAINTENANCE_LOCK);
        unlock.execute();
      }
    }
    assertTrue(engine.store.maintain(now, now.minus(RETENTION), 10).isPresent());
  }

  @Test
  void maintenanceDoesNotRescueWhileAnotherNodeHoldsTheLock() throws Exception {
    engine.register(Subscription.forCommands("locked-out"));
    long id = engine.enqueue(EnqueueJob.of("locked-out", "{}"));
    ClaimedJob orphan = engine.claimOne("locked-out", "dead-node", now, Duration.ofSeconds(1));
    Instant later = now.plusSeconds(5);
    try (Connection otherNode = engine.pool.getConnection()) {
      try (var lock = otherNode.prepareStatement("SELECT pg_advisory_lock(?)")) {
        lock.setLong(1, JdbiJobStore.MAINTENANCE_LOCK);
        lock.execute();
      }
      assertEquals(Optional.empty(), engine.store.maintain(later, later.minus(RETENTION), 10));
      assertEquals("running", engine.detail(id).summary().state().wire());
      try (var unlock = otherNode.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        unlock.setLong(1, JdbiJobStore.MAINTENANCE_LOCK);
        unlock.execute();
      }
    }
    Optional<MaintenanceReport> report = engine.store.maintain(later, later.minus(RETENTION), 10);
    assertEquals(1, report.orElseThrow().rescued());
    assertEquals(List.of(orphan.ref()), engine.store.extendLeases("dead-node", List.of(orphan.ref()), later.plusSeconds(30)),
        "the rescued lease is gone");
  }

  @Test
  void backfillGivesALateSubscriptionJobsForRelayedEventsSinceAGivenTime() {
    engine.register(Subscription.toEvents("early-bird", "order.shipped"));
    eventsAt("order.created", 1, now.minus(Duration.ofHours(2)), true);
    clock.set(now.minus(Duration.ofMinutes(30)));
    UUID shipped = engine.publish("order.shipped", "o-1");
    UUID created = engine.publish("order.created", "o-2");
    engine.publish("invoice.paid", "i-1");
    engine.store.relay(500, clock.instant());
    clock.set(now);
    UUID notYetRelayed = engine.publish("order.created", "o-3");

    engine.register(Subscription.toEvents("late-analytics", "order.*"));
    int created1 = engine.admin.backfill("late-analytics", now.minus(Duration.ofHours(1)), now);

    assertEquals(2, created1, "order.shipped and order.created of the last hour, not invoice.paid or older events");
    assertEquals(0, engine.admin.backfill("late-analytics", now.minus(Duration.ofHours(1)), now), "backfill is idempotent");
    engine.store.relay(500, now);
    List<UUID> events = engine.jdbi.withHandle(h -> h.createQuery(
            "SELECT event_id FROM job WHERE subscription = 'late-analytics' ORDER BY seq").mapTo(UUID.class).list());
    assertEquals(List.of(shipped, created, notYetRelayed), events, "the unrelayed event arrives through the relay, once");
    assertEquals(1, engine.count("SELECT count(*) FROM job WHERE subscription = 'early-bird'"));
    assertEquals(0, engine.admin.backfill("never-registered", now.minus(Duration.ofDays(1)), now));
  }

  @Test
  void finishedJobsAreCountedByATallyThatAgreesWithTheTableThroughFinishCancelReplayPruneAndDelete() {
    Instant old = now.minus(Duration.ofDays(8));
    doneAt("receipts", 25, old);
    cancelledAt("receipts", 4, old);
    deadAt("receipts", 3, now);
    doneAt("mailer", 6, now);
    cancelledAt("mailer", 2, now);
    List<ClaimedJob> running = claimedAt("mailer", 3, now);
    engine.unitOfWork.inTransaction(() -> engine.jobs.markDone(running.get(2).ref()));
    assertThrows(LeaseLostException.class, () -> engine.unitOfWork.inTransaction(() -> engine.jobs.markDone(running.get(2).ref())));
    engine.enqueue(EnqueueJob.of("mailer", "{}").runAt(now.plusSeconds(60)));
    assertEquals(Map.of(
        "mailer", Map.of("available", 1L, "running", 2L, "done", 7L, "cancelled", 2L),
        "receipts", Map.of("done", 25L, "cancelled", 4L, "dead", 3L)), counted());
    assertCountsMatchTheTable();

    long cancelled = engine.count("SELECT min(id) FROM job WHERE subscription = 'receipts' AND state = 'cancelled'");
    assertTrue(engine.admin.replay(cancelled, now), "a cancelled job is replayed");
    assertCountsMatchTheTable();

    for (int i = 0; i < 4; i++) {
      engine.store.maintain(now, now.minus(RETENTION), 10).orElseThrow();
    }
    assertEquals(Map.of("dead", 3L, "available", 1L), counted().get("receipts"), "old history pruned, replayed job waits");
    assertCountsMatchTheTable();

    engine.sql("DELETE FROM job WHERE subscription = 'mailer' AND state IN ('done', 'running')");
    assertCountsMatchTheTable();
    engine.store.maintain(now, now.minus(RETENTION), 10).orElseThrow();
    assertEquals(1, engine.count("SELECT count(*) FROM job_finished_tally"), "folded to a row per subscription and state");
    assertCountsMatchTheTable();
  }

  @Test
  void countingJobsReadsNoFinishedRow() {
    for (int i = 0; i < 4; i++) {
      doneAt("receipts", 100, now);
    }
    cancelledAt("receipts", 50, now);
    deadAt("receipts", 2, now);
    engine.sql("ANALYZE job");

    // The backend's counters not yet flushed include earlier transactions on the connection: compare before and after.
    String scans = "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'job'";
    long sequentialScans = engine.jdbi.inTransaction(h -> {
      long before = h.createQuery(scans).mapTo(Long.class).one();
      h.createQuery("SELECT subscription FROM job_counts()").mapTo(String.class).list();
      return h.createQuery(scans).mapTo(Long.class).one() - before;
    });

    assertEquals(0, sequentialScans, "waiting, running and dead jobs are read through their indexes");
    assertEquals(Map.of("done", 400L, "cancelled", 50L, "dead", 2L), counted().get("receipts"));
  }

  /** What /admin/stats and the gauges report: non-zero counts by subscription and state. */
  private Map<String, Map<String, Long>> counted() {
    Map<String, Map<String, Long>> counted = new TreeMap<>();
    for (SubscriptionStats stats : engine.admin.stats(now)) {
      stats.counts().forEach((state, n) -> {
        if (n != 0) {
          counted.computeIfAbsent(stats.subscription(), s -> new TreeMap<>()).put(state.wire(), n);
        }
      });
    }
    return counted;
  }

  private void assertCountsMatchTheTable() {
    Map<String, Map<String, Long>> table = new TreeMap<>();
    engine.jdbi.useHandle(h -> h.createQuery("SELECT subscription, state, count(*) AS n FROM job GROUP BY subscription, state")
        .map((rs, ctx) -> table.computeIfAbsent(rs.getString("subscription"), s -> new TreeMap<>())
            .put(rs.getString("state"), rs.getLong("n")))
        .list());
    assertEquals(table, counted());
  }
}
