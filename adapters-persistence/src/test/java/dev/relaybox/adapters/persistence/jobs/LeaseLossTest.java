package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.JobSummary;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A running handler whose lease is gone is stopped on this node, and whatever it still tries to write is ignored:
 * the heartbeat finds a lease rescued by another node, a NOTIFY brings an operator's cancel, and a handler that
 * outlived its timeout cannot complete the job its retry now owns.
 */
class LeaseLossTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  @BeforeAll
  static void effectsTable() {
    engine.sql("CREATE TABLE effect (job_id bigint NOT NULL, token bigint NOT NULL)");
  }

  /** The handler's local effect and its completion, in one transaction, as the real handlers do it. */
  private static void applyEffectAndMarkDone(ClaimedJob job) {
    engine.unitOfWork.inTransaction(() -> {
      engine.unitOfWork.currentHandle("test").execute("INSERT INTO effect (job_id, token) VALUES (?, ?)", job.id(), job.leaseToken());
      engine.jobs.markDone(job.ref());
    });
  }

  private static List<Long> effectTokens(long jobId) {
    return engine.jdbi.withHandle(h -> h.createQuery("SELECT token FROM effect WHERE job_id = :id ORDER BY token")
        .bind("id", jobId).mapTo(Long.class).list());
  }

  @Test
  void aHeartbeatThatFindsItsLeaseRescuedInterruptsTheHandler() throws Exception {
    Subscription subscription = Subscription.forCommands("stalled").withTimeout(Duration.ofMinutes(10));
    long id = engine.enqueue(EnqueueJob.of("stalled", "{}"));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    StaleWrites stale = new StaleWrites();
    // A 1 s lease heartbeats every 333 ms; this node's own maintenance stays out of the way.
    engine.runner(Engine.settings("node-a").withLease(Duration.ofSeconds(1)).withMaintenanceInterval(Duration.ofHours(1)),
        Engine.NO_SIGNALS, stale, handle(subscription, job -> {
          started.countDown();
          try {
            Thread.sleep(Duration.ofMinutes(10));
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
          return Outcome.done();
        }));
    assertTrue(started.await(60, TimeUnit.SECONDS));

    // Another node's maintenance, with a clock far enough ahead, sees the lease expired (as after a long pause of
    // node-a) and rescues the job; it runs again in an hour.
    Instant otherNodesNow = Instant.now().plus(Duration.ofHours(1));
    assertTrue(engine.store.maintain(otherNodesNow, otherNodesNow.minus(Duration.ofDays(7)), 100).orElseThrow().rescued() >= 1);

    assertTrue(interrupted.await(60, TimeUnit.SECONDS), "the handler was interrupted");
    Await.until("the lost lease is counted", () -> stale.seen().contains("stalled/heartbeat"));
    JobSummary job = engine.detail(id).summary();
    assertEquals(JobState.AVAILABLE, job.state(), "node-a recorded nothing for the attempt it lost");
    assertEquals(List.of("lease_expired"), engine.detail(id).history().stream().map(JobHistoryEntry::kind).toList());
  }

  @Test
  void cancellingARunningJobInterruptsItsHandlerAndItsLateWritesAreIgnored() throws Exception {
    Subscription subscription = Subscription.forCommands("cancel-running").withTimeout(Duration.ofMinutes(30));
    long id = engine.enqueue(EnqueueJob.of("cancel-running", "{}").dedupeKey("order-7"));
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CountDownLatch fenced = new CountDownLatch(1);
    StaleWrites stale = new StaleWrites();
    // A 10-minute lease heartbeats every 200 s, far beyond the waits below: only the cancel's NOTIFY can stop it.
    engine.runner(Engine.settings("node-a").withLease(Duration.ofMinutes(10)), engine.listening(), stale,
        handle(subscription, job -> {
          started.countDown();
          try {
            Thread.sleep(Duration.ofMinutes(10));
          } catch (InterruptedException e) {
            interrupted.countDown(); // and carries on regardless, as a careless handler would
          }
          try {
            applyEffectAndMarkDone(job);
          } catch (LeaseLostException e) {
            fenced.countDown();
            throw e;
          }
          return Outcome.done();
        }));
    assertTrue(started.await(60, TimeUnit.SECONDS));

    assertEquals(1, engine.cancelByDedupeKey("cancel-running", "order-7", Instant.now()));

    assertTrue(interrupted.await(60, TimeUnit.SECONDS), "the cancel interrupted the handler");
    assertTrue(fenced.await(60, TimeUnit.SECONDS), "its markDone was refused");
    Await.until("the fenced-out markDone is counted", () -> stale.seen().contains("cancel-running/markDone"));
    assertEquals(JobState.CANCELLED, engine.state(id));
    assertEquals(List.of(), effectTokens(id), "the cancelled handler's effect rolled back with its markDone");
  }

  @Test
  void aHandlerThatOutlivesItsTimeoutCannotCompleteTheRetryThatNowOwnsTheJob() throws Exception {
    Subscription subscription = Subscription.forCommands("overtime").withTimeout(Duration.ofSeconds(2))
        .withRetry(new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(100), 5));
    long id = engine.enqueue(EnqueueJob.of("overtime", "{}"));
    CountDownLatch secondDone = new CountDownLatch(1);
    CountDownLatch firstFenced = new CountDownLatch(1);
    StaleWrites stale = new StaleWrites();
    engine.runner(Engine.settings("node-a"), Engine.NO_SIGNALS, stale, handle(subscription, job -> {
      if (job.attempt() == 1) {
        // Ignores the timeout's interrupt and finishes only after the retry has completed the job.
        boolean retryFinished = false;
        while (!retryFinished) {
          try {
            retryFinished = secondDone.await(100, TimeUnit.MILLISECONDS);
          } catch (InterruptedException ignored) {
            // the timeout's interrupt: this handler carries on regardless
          }
        }
        try {
          applyEffectAndMarkDone(job);
        } catch (LeaseLostException e) {
          firstFenced.countDown();
          throw e;
        }
        return Outcome.done();
      }
      applyEffectAndMarkDone(job);
      secondDone.countDown();
      return Outcome.done();
    }));

    assertTrue(firstFenced.await(60, TimeUnit.SECONDS), "the first attempt's late markDone was refused");
    Await.until("the stale markDone is counted", () -> stale.seen().contains("overtime/markDone"));
    JobSummary job = engine.detail(id).summary();
    assertEquals(JobState.DONE, job.state());
    assertEquals(2, job.attempts());
    assertEquals(1, effectTokens(id).size(), "only the attempt that held the lease applied its effect");
    assertEquals(List.of("error"), engine.detail(id).history().stream().map(JobHistoryEntry::kind).toList());
    assertTrue(engine.detail(id).history().getFirst().message().contains("timed out"));
  }
}
