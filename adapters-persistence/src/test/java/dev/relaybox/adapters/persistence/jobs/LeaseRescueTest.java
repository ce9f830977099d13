package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.JobSummary;
import dev.relaybox.application.jobs.MaintenanceReport;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A node that dies holding leases loses nothing: its jobs come back after the lease expires, and its late writes are ignored. */
class LeaseRescueTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  private static Subscription commands(String name, int maxAttempts) {
    return Subscription.forCommands(name).withRetry(new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), maxAttempts));
  }

  @Test
  void redeliversAfterLeaseExpiresWhenWorkerDies() {
    Subscription subscription = commands("rescue-me", 5);
    engine.register(subscription);
    long id = engine.enqueue(EnqueueJob.of("rescue-me", "{\"invoice\":42}"));
    ClaimedJob orphan = engine.claimOne("rescue-me", "dead-node", Instant.now(), Duration.ofSeconds(1));
    assertEquals(1, orphan.attempt());
    // "dead-node" never heartbeats, completes or fails it.

    List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
    engine.runner(Engine.settings("node-b").withMaintenanceInterval(Duration.ofMillis(200)),
        handle(subscription, job -> {
          attemptsSeen.add(job.attempt());
          return Outcome.done();
        }));

    JobSummary done = Await.until("job " + id + " is done", () -> engine.detail(id).summary(), s -> s.state() == JobState.DONE);
    assertEquals(2, done.attempts());
    assertEquals(List.of(2), attemptsSeen);
    List<JobHistoryEntry> history = engine.detail(id).history();
    assertEquals(1, history.size(), history.toString());
    JobHistoryEntry rescue = history.getFirst();
    assertEquals("lease_expired", rescue.kind());
    assertEquals(1, rescue.attempt());
    assertEquals(Optional.of("dead-node"), rescue.node());
  }

  @Test
  void lateWritesFromTheNodeThatLostTheLeaseAreIgnored() {
    engine.register(commands("fenced", 5));
    long id = engine.enqueue(EnqueueJob.of("fenced", "{}"));
    // One millisecond ahead: the enqueue stamped run_at with microseconds that truncation would cut off.
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    ClaimedJob stale = engine.claimOne("fenced", "dead-node", t0, Duration.ofSeconds(1));
    Instant afterExpiry = t0.plusSeconds(2);

    MaintenanceReport report = engine.store.maintain(afterExpiry, t0.minus(Duration.ofDays(7)), 100).orElseThrow();
    assertTrue(report.rescued() >= 1);
    ClaimedJob current = engine.claimOne("fenced", "node-b", afterExpiry, Duration.ofSeconds(30));
    assertEquals(2, current.attempt());

    engine.store.complete(List.of(stale.ref()), afterExpiry);
    assertFalse(engine.store.retry(stale.ref(), afterExpiry, new JobFailure(1, afterExpiry, "dead-node", "late")));
    assertFalse(engine.store.bury(stale.ref(), new JobFailure(1, afterExpiry, "dead-node", "late")));
    assertEquals(List.of(stale.ref()), engine.store.extendLeases("dead-node", List.of(stale.ref()), afterExpiry.plusSeconds(60)));
    engine.store.giveBack(List.of(stale.ref()));

    JobSummary summary = engine.detail(id).summary();
    assertEquals(JobState.RUNNING, summary.state());
    assertEquals(2, summary.attempts());
    assertEquals(Optional.of("node-b"), summary.leaseOwner());
    assertEquals(Optional.of(afterExpiry.plusSeconds(30)), summary.leaseUntil());

    engine.store.complete(List.of(current.ref()), afterExpiry.plusSeconds(1));
    assertEquals(JobState.DONE, engine.state(id));
  }

  @Test
  void rescuingAJobThatUsedItsLastAttemptMakesItDead() {
    engine.register(commands("last-chance", 1));
    long id = engine.enqueue(EnqueueJob.of("last-chance", "{}"));
    // One millisecond ahead: the enqueue stamped run_at with microseconds that truncation would cut off.
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    engine.claimOne("last-chance", "dead-node", t0, Duration.ofSeconds(1));

    MaintenanceReport report = engine.store.maintain(t0.plusSeconds(2), t0.minus(Duration.ofDays(7)), 100).orElseThrow();

    assertTrue(report.buriedOnRescue() >= 1, report.toString());
    JobSummary dead = engine.detail(id).summary();
    assertEquals(JobState.DEAD, dead.state());
    assertEquals(Optional.of(t0.plusSeconds(2)), dead.finishedAt());
    assertEquals("lease_expired", engine.detail(id).history().getFirst().kind());
  }

  @Test
  void heartbeatsKeepALongRunningJobsLeaseSoItIsNotRescued() throws Exception {
    Subscription slow = commands("slow-report", 5);
    long id = engine.enqueue(EnqueueJob.of("slow-report", "{}"));
    List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    // A 6 s lease (a heartbeat every 2 s, so a stall of several seconds on a loaded machine is still in time), and a
    // handler that runs until the test has seen heartbeats carry the lease past its first expiry: without them
    // maintenance (every 200 ms) would have rescued the job by then.
    Duration lease = Duration.ofSeconds(6);
    engine.runner(Engine.settings("node-a").withLease(lease).withMaintenanceInterval(Duration.ofMillis(200)),
        handle(slow, job -> {
          attemptsSeen.add(job.attempt());
          started.countDown();
          finish.await();
          return Outcome.done();
        }));
    assertTrue(started.await(60, TimeUnit.SECONDS), "the handler started");

    Instant first = leaseUntil(id);
    Await.until("a heartbeat pushed the lease forward", () -> leaseUntil(id).isAfter(first));
    Instant second = leaseUntil(id);
    Await.until("another heartbeat pushed it forward again", () -> leaseUntil(id).isAfter(second));
    Await.until("a heartbeat after the first lease ran out", () -> !leaseUntil(id).isBefore(first.plus(lease)));
    assertEquals(Optional.of("node-a"), engine.detail(id).summary().leaseOwner());
    finish.countDown();

    Await.until("job " + id + " is done", () -> engine.state(id) == JobState.DONE);

    assertEquals(List.of(1), attemptsSeen);
    assertEquals(List.of(), engine.detail(id).history());
  }

  @Test
  void heartbeatsKeepExtendingLeasesWhileMaintenanceIsStuck() throws Exception {
    Subscription slow = commands("slow-while-stuck", 5);
    // Old finished history whose row another transaction holds: maintenance's prune waits on it.
    long old = engine.enqueue(EnqueueJob.of("old-history", "{}"));
    engine.sql("UPDATE job SET state = 'done', finished_at = now() - interval '30 days' WHERE id = " + old);
    engine.sql("SELECT recount_job_finished_tally()"); // a fixture written directly, not through the engine's writes
    long id = engine.enqueue(EnqueueJob.of("slow-while-stuck", "{}"));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch finish = new CountDownLatch(1);
    try (Connection blocker = engine.pool.getConnection()) {
      blocker.setAutoCommit(false);
      try (var hold = blocker.createStatement()) {
        hold.execute("SELECT id FROM job WHERE id = " + old + " FOR UPDATE");
      }
      engine.runner(Engine.settings("node-a").withLease(Duration.ofSeconds(1)).withMaintenanceInterval(Duration.ofMillis(100)),
          handle(slow, job -> {
            started.countDown();
            finish.await();
            return Outcome.done();
          }));
      assertTrue(started.await(60, TimeUnit.SECONDS));
      Await.until("maintenance waits on the held row", () -> engine.count("""
          SELECT count(*) FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%DELETE FROM job WHERE id IN%'""") == 1);

      Instant whileStuck = leaseUntil(id);
      Await.until("a heartbeat extended the lease while maintenance was stuck",
          () -> leaseUntil(id).isAfter(whileStuck.plusMillis(300)));
      assertEquals(Optional.of("node-a"), engine.detail(id).summary().leaseOwner());

      finish.countDown();
      blocker.rollback();
    }
    Await.until("job " + id + " is done", () -> engine.state(id) == JobState.DONE);
    assertEquals(1, engine.detail(id).summary().attempts());
    assertEquals(List.of(), engine.detail(id).history());
  }

  private static Instant leaseUntil(long id) {
    return engine.detail(id).summary().leaseUntil().orElseThrow(() -> new AssertionError("job " + id + " holds no lease"));
  }
}
