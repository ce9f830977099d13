package dev.relaybox.adapters.persistence.jobs;

import static dev.relaybox.adapters.persistence.jobs.Engine.handle;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.testing.Await;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobDetail;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.Outcome;
import dev.relaybox.application.jobs.ReplayFilter;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A permanent failure makes a job dead at once; an operator replays dead jobs by id or by filter. */
class DeadLetterReplayTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  /** A job of {@code subscription} that died at {@code diedAt}, made through the store as a runner would. */
  private long deadJob(String subscription, Instant diedAt) {
    long id = engine.enqueue(EnqueueJob.of(subscription, "{}").runAt(diedAt.minusSeconds(1)));
    ClaimedJob job = engine.claim(subscription, "node-a", diedAt.minusMillis(500), LEASE).stream()
        .filter(j -> j.id() == id).findFirst().orElseThrow();
    assertTrue(engine.store.bury(job.ref(), new JobFailure(job.attempt(), diedAt, "node-a", "permanent: 410 Gone")));
    return id;
  }

  private JobState awaitState(long id, JobState state) {
    return Await.until("job " + id + " is " + state, () -> engine.state(id), s -> s == state);
  }

  @Test
  void failOutcomeMakesTheJobDeadAtOnceWithoutRetrying() {
    AtomicInteger calls = new AtomicInteger();
    long id = engine.enqueue(EnqueueJob.of("mailer-fail", "{\"to\":\"nobody@invalid\"}"));
    engine.runner(Engine.settings("node-a"), handle(Subscription.forCommands("mailer-fail"), job -> {
      calls.incrementAndGet();
      return Outcome.fail("address rejected: nobody@invalid");
    }));

    awaitState(id, JobState.DEAD);

    JobDetail detail = engine.detail(id);
    assertEquals(1, detail.summary().attempts());
    assertEquals(1, calls.get());
    assertTrue(detail.summary().finishedAt().isPresent());
    assertEquals(Optional.of("address rejected: nobody@invalid"), detail.summary().lastError());
    assertEquals(1, detail.history().size());
    JobHistoryEntry entry = detail.history().getFirst();
    assertEquals("error", entry.kind());
    assertEquals(1, entry.attempt());
    assertEquals(Optional.of("node-a"), entry.node());
    assertEquals("address rejected: nobody@invalid", entry.message());
  }

  @Test
  void replayByIdRunsTheDeadJobAgainAndItCompletes() {
    AtomicBoolean fixed = new AtomicBoolean(false);
    long id = engine.enqueue(EnqueueJob.of("mailer-replay", "{}"));
    engine.runner(Engine.settings("node-a"), handle(Subscription.forCommands("mailer-replay"),
        job -> fixed.get() ? Outcome.done() : Outcome.fail("template missing")));
    awaitState(id, JobState.DEAD);

    fixed.set(true);
    assertTrue(engine.admin.replay(id, Instant.now()));

    awaitState(id, JobState.DONE);
    JobDetail detail = engine.detail(id);
    assertEquals(1, detail.summary().attempts(), "a replay starts a fresh round of attempts");
    assertEquals(List.of("error", "replayed"), detail.history().stream().map(JobHistoryEntry::kind).toList());
    assertFalse(engine.admin.replay(id, Instant.now()), "a done job cannot be replayed");
    assertFalse(engine.admin.replay(999_999_999L, Instant.now()), "an unknown job cannot be replayed");
  }

  @Test
  void replayByFilterOnlyReplaysDeadJobsOfThatSubscriptionThatDiedInTheWindow() {
    engine.register(Subscription.forCommands("filter-mailer"), Subscription.forCommands("filter-sms"));
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    long tooOld = deadJob("filter-mailer", now.minus(Duration.ofHours(3)));
    long inWindow1 = deadJob("filter-mailer", now.minus(Duration.ofHours(2)));
    long inWindow2 = deadJob("filter-mailer", now.minus(Duration.ofHours(1)));
    long atUntil = deadJob("filter-mailer", now.minus(Duration.ofMinutes(30)));
    long otherSubscription = deadJob("filter-sms", now.minus(Duration.ofHours(2)));
    long notDead = engine.enqueue(EnqueueJob.of("filter-mailer", "{}").runAt(now.plus(Duration.ofDays(1))));

    int replayed = engine.admin.replay(new ReplayFilter(Optional.of("filter-mailer"),
        Optional.of(now.minus(Duration.ofMinutes(150))), Optional.of(now.minus(Duration.ofMinutes(30))), 100), now);

    assertEquals(2, replayed);
    assertEquals(JobState.AVAILABLE, engine.state(inWindow1));
    assertEquals(JobState.AVAILABLE, engine.state(inWindow2));
    assertEquals(JobState.DEAD, engine.state(tooOld));
    assertEquals(JobState.DEAD, engine.state(atUntil), "the window's end is exclusive");
    assertEquals(JobState.DEAD, engine.state(otherSubscription));
    assertEquals(JobState.AVAILABLE, engine.state(notDead));
    assertEquals(now.plus(Duration.ofDays(1)), engine.detail(notDead).summary().runAt(), "a live job is left alone");
    assertEquals(0, engine.detail(inWindow1).summary().attempts());
    assertEquals("replayed", engine.detail(inWindow1).history().getLast().kind());

    // The replayed jobs run and complete; the others stay dead.
    engine.runner(Engine.settings("node-a"), handle(Subscription.forCommands("filter-mailer"), job -> Outcome.done()));
    awaitState(inWindow1, JobState.DONE);
    awaitState(inWindow2, JobState.DONE);
    assertEquals(JobState.DEAD, engine.state(tooOld));
  }

  @Test
  void replayByFilterWithoutBoundsTakesEveryDeadJobUpToTheLimitOldestFirst() {
    engine.register(Subscription.forCommands("limit-sms"));
    Instant now = Instant.now();
    long first = deadJob("limit-sms", now.minusSeconds(30));
    long second = deadJob("limit-sms", now.minusSeconds(20));
    long third = deadJob("limit-sms", now.minusSeconds(10));

    assertEquals(2, engine.admin.replay(new ReplayFilter(Optional.of("limit-sms"), Optional.empty(), Optional.empty(), 2), now));

    assertEquals(JobState.AVAILABLE, engine.state(first));
    assertEquals(JobState.AVAILABLE, engine.state(second));
    assertEquals(JobState.DEAD, engine.state(third));
  }

  @Test
  void replayingADeadJobWhoseDedupeKeyIsHeldByANewerJobLeavesItDead() {
    engine.register(Subscription.forCommands("dedupe-replay"));
    long old = engine.enqueue(EnqueueJob.of("dedupe-replay", "{}").dedupeKey("poll-7"));
    Instant now = Instant.now();
    ClaimedJob claimed = engine.claimOne("dedupe-replay", "node-a", now, LEASE);
    engine.store.bury(claimed.ref(), new JobFailure(1, now, "node-a", "gone"));
    long newer = engine.enqueue(EnqueueJob.of("dedupe-replay", "{}").dedupeKey("poll-7"));

    assertFalse(engine.admin.replay(old, now));

    assertEquals(JobState.DEAD, engine.state(old));
    assertEquals(JobState.AVAILABLE, engine.state(newer));
  }

  @Test
  void aCancelledJobCanBeReplayedById() {
    engine.register(Subscription.forCommands("cancel-replay"));
    long id = engine.enqueue(EnqueueJob.of("cancel-replay", "{}"));
    assertTrue(engine.cancel(id, Instant.now()));

    assertTrue(engine.admin.replay(id, Instant.now()));

    assertEquals(JobState.AVAILABLE, engine.state(id));
    assertEquals(List.of("cancelled", "replayed"), engine.detail(id).history().stream().map(JobHistoryEntry::kind).toList());
  }
}
