package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.adapters.persistence.testing.MutableClock;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.JobSummary;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.runner.RunnerSettings;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failed attempts come back after exponential backoff with full jitter, capped, or exactly when the handler asks; after
 * the last attempt the job is dead and keeps its whole error history. Time is a {@link MutableClock} the test moves.
 */
class RetryBackoffTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final MutableClock clock = MutableClock.startingNow();
  private static Engine engine;

  // Ceilings 1 s, 2 s, 4 s, 8 s, 8 s: the fifth retry is capped.
  private final RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8), 6);

  @BeforeAll
  static void startEngine() {
    engine = Engine.fresh(clock);
  }

  @AfterAll
  static void stopEngine() {
    engine.close();
  }

  @BeforeEach
  void resetClock() {
    clock.set(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }

  @AfterEach
  void stopRunners() {
    engine.stopRunners();
  }

  private static RunnerSettings settings(String node) {
    // No maintenance: the frozen clock must be the only thing that decides when a job is due.
    return Engine.settings(node).withMaintenanceInterval(Duration.ofHours(1));
  }

  private JobSummary awaitRetryRecorded(long id, int attempt) {
    return Await.until("attempt " + attempt + " of job " + id + " is recorded as a retry",
        () -> engine.detail(id).summary(), s -> s.attempts() == attempt && s.state() == JobState.AVAILABLE);
  }

  @Test
  void retriesFollowTheSeededFullJitterScheduleAndTheJobDiesWithItsHistoryAfterMaxAttempts() {
    long seed = 20_240_607L;
    SplittableRandom expectedRandom = new SplittableRandom(seed);
    List<Duration> expectedDelays = new ArrayList<>();
    for (int attempt = 1; attempt < policy.maxAttempts(); attempt++) {
      Duration delay = policy.delayAfter(attempt, Optional.empty(), expectedRandom);
      assertTrue(delay.toMillis() > 0 && delay.toMillis() <= Math.min(8_000L, 1_000L << (attempt - 1)), "fixture: " + delay);
      expectedDelays.add(delay);
    }
    Subscription flaky = Subscription.forCommands("flaky-upstream").withRetry(policy);
    long id = engine.enqueue(EnqueueJob.of("flaky-upstream", "{}"));
    engine.runner(settings("node-a"), Engine.NO_SIGNALS, new SplittableRandom(seed), clock,
        handle(flaky, job -> Outcome.retry("upstream answered 503 on attempt " + job.attempt())));

    List<Instant> failedAt = new ArrayList<>();
    for (int attempt = 1; attempt < policy.maxAttempts(); attempt++) {
      JobSummary retried = awaitRetryRecorded(id, attempt);
      Instant failed = clock.instant();
      failedAt.add(failed);
      assertEquals(failed.plus(expectedDelays.get(attempt - 1)), retried.runAt(), "run_at after attempt " + attempt);
      assertEquals(Optional.empty(), retried.leaseOwner());

      assertEquals(List.of(), engine.claim("flaky-upstream", "probe", retried.runAt().minusMillis(1), LEASE),
          "not claimable before run_at");
      clock.set(retried.runAt()); // due now: the runner claims it on its next poll
    }

    JobSummary dead = Await.until("job " + id + " is dead", () -> engine.detail(id).summary(), s -> s.state() == JobState.DEAD);
    failedAt.add(clock.instant());
    assertEquals(policy.maxAttempts(), dead.attempts());
    assertEquals(Optional.of(clock.instant()), dead.finishedAt());
    assertTrue(dead.lastError().orElseThrow().startsWith("gave up after 6 attempts"), dead.lastError().orElseThrow());

    List<JobHistoryEntry> history = engine.detail(id).history();
    assertEquals(policy.maxAttempts(), history.size(), history.toString());
    for (int i = 0; i < history.size(); i++) {
      JobHistoryEntry entry = history.get(i);
      int attempt = i + 1;
      assertEquals("error", entry.kind());
      assertEquals(attempt, entry.attempt());
      assertEquals(failedAt.get(i), entry.at());
      assertEquals(Optional.of("node-a"), entry.node());
      assertTrue(entry.message().contains("upstream answered 503 on attempt " + attempt), entry.message());
    }
  }

  @Test
  void retryAfterFromTheHandlerIsHonouredExactlyEvenAboveTheCap() {
    Subscription limited = Subscription.forCommands("rate-limited").withRetry(policy);
    AtomicInteger calls = new AtomicInteger();
    long id = engine.enqueue(EnqueueJob.of("rate-limited", "{}"));
    engine.runner(settings("node-a"), Engine.NO_SIGNALS, new SplittableRandom(1), clock, handle(limited, job ->
        calls.incrementAndGet() == 1 ? Outcome.retryAfter(Duration.ofSeconds(37), "429, Retry-After: 37") : Outcome.done()));

    JobSummary retried = awaitRetryRecorded(id, 1);

    assertEquals(clock.instant().plusSeconds(37), retried.runAt());
    assertEquals(List.of(), engine.claim("rate-limited", "probe", retried.runAt().minusMillis(1), LEASE));
    clock.set(retried.runAt());
    JobSummary done = Await.until("job " + id + " is done", () -> engine.detail(id).summary(), s -> s.state() == JobState.DONE);
    assertEquals(2, done.attempts());
    assertEquals(2, calls.get());
  }

  @Test
  void aThrowingHandlerCountsAsARetryWithTheExceptionInTheHistory() {
    Subscription throwing = Subscription.forCommands("throwing").withRetry(policy);
    long id = engine.enqueue(EnqueueJob.of("throwing", "{}"));
    engine.runner(settings("node-a"), Engine.NO_SIGNALS, new SplittableRandom(3), clock, handle(throwing, job -> {
      throw new IllegalStateException("connection reset by peer");
    }));

    JobSummary retried = awaitRetryRecorded(id, 1);

    assertTrue(!retried.runAt().isAfter(clock.instant().plus(policy.base())), "first retry waits at most the base delay");
    JobHistoryEntry entry = engine.detail(id).history().getFirst();
    assertTrue(entry.message().contains("IllegalStateException: connection reset by peer"), entry.message());
  }

  @Test
  void aHandlerThatOverrunsItsTimeoutIsInterruptedAndRetried() {
    Subscription slow = Subscription.forCommands("overrunning").withRetry(policy).withTimeout(Duration.ofMillis(200));
    AtomicInteger interrupted = new AtomicInteger();
    long id = engine.enqueue(EnqueueJob.of("overrunning", "{}"));
    engine.runner(settings("node-a"), Engine.NO_SIGNALS, new SplittableRandom(5), clock, handle(slow, job -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
        throw e;
      }
      return Outcome.done();
    }));

    awaitRetryRecorded(id, 1);

    assertTrue(engine.detail(id).history().getFirst().message().contains("timed out after PT0.2S"),
        engine.detail(id).history().toString());
    Await.until("the overrunning handler was interrupted", () -> interrupted.get() == 1);
  }

  @Test
  void storeRetryPutsTheJobBackForRunAtAndItIsClaimableFromThenOn() {
    engine.register(Subscription.forCommands("direct-retry"));
    long id = engine.enqueue(EnqueueJob.of("direct-retry", "{\"to\":\"x\"}"));
    Instant now = clock.instant();
    ClaimedJob first = engine.claimOne("direct-retry", "node-a", now, LEASE);
    Instant runAt = now.plus(Duration.ofMillis(1_234));

    assertTrue(engine.store.retry(first.ref(), runAt, new JobFailure(1, now, "node-a", "timeout")));

    JobDetail detail = engine.detail(id);
    assertEquals(JobState.AVAILABLE, detail.summary().state());
    assertEquals(runAt, detail.summary().runAt());
    assertEquals(Optional.of("timeout"), detail.summary().lastError());
    assertEquals(Optional.empty(), detail.summary().leaseUntil());
    assertEquals(List.of(new JobHistoryEntry(now, "error", 1, Optional.of("node-a"), "timeout")), detail.history());
    assertEquals(List.of(), engine.claim("direct-retry", "node-b", runAt.minus(1, ChronoUnit.MICROS), LEASE));
    ClaimedJob second = engine.claimOne("direct-retry", "node-b", runAt, LEASE);
    assertEquals(2, second.attempt());
    assertEquals(id, second.id());
  }
}
