package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobHistoryEntry;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Operators cancel unfinished jobs by id or dedupe key; a dedupe key admits one unfinished job at a time. */
class CancelAndDedupeTest {
  private static final Duration LEASE = Duration.ofSeconds(30);
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  private static EnqueueJob poll(String subscription, String dedupeKey) {
    return EnqueueJob.of(subscription, "{}").dedupeKey(dedupeKey);
  }

  @Test
  void cancelByIdStopsAScheduledJobFromEverRunning() {
    Instant now = Instant.now();
    long id = engine.enqueue(EnqueueJob.of("poll-scheduled", "{}").runAt(now.plusSeconds(60)));

    assertTrue(engine.cancel(id, now));

    assertEquals(JobState.CANCELLED, engine.state(id));
    assertEquals(List.of(), engine.claim("poll-scheduled", "node-a", now.plusSeconds(120), LEASE).stream().filter(j -> j.id() == id).toList());
    assertEquals(List.of("cancelled"), engine.detail(id).history().stream().map(JobHistoryEntry::kind).toList());
    assertFalse(engine.cancel(id, now), "cancelling twice");
    assertFalse(engine.cancel(987_654_321L, now), "unknown job");
  }

  @Test
  void cancelByIdOfADoneJobReturnsFalse() {
    long id = engine.enqueue(EnqueueJob.of("poll-done-other", "{}"));
    ClaimedJob job = engine.claimOne("poll-done-other", "node-a", Instant.now(), LEASE);
    engine.store.complete(List.of(job.ref()), Instant.now());

    assertFalse(engine.cancel(id, Instant.now()));
    assertEquals(JobState.DONE, engine.state(id));
  }

  @Test
  void cancellingARunningJobWinsOverItsLateOutcome() {
    long id = engine.enqueue(EnqueueJob.of("poll-running-other", "{}"));
    ClaimedJob job = engine.claimOne("poll-running-other", "node-a", Instant.now(), LEASE);

    assertTrue(engine.cancel(id, Instant.now()));
    engine.store.complete(List.of(job.ref()), Instant.now());
    assertFalse(engine.store.retry(job.ref(), Instant.now(), new JobFailure(1, Instant.now(), "node-a", "late")));

    assertEquals(JobState.CANCELLED, engine.state(id));
    assertEquals(Optional.empty(), engine.detail(id).summary().leaseOwner());
  }

  @Test
  void cancelByDedupeKeyCancelsTheUnfinishedJobAndFreesTheKey() {
    long id = engine.enqueue(poll("poll-by-key", "order-11"));
    long unrelated = engine.enqueue(poll("poll-by-key", "order-12"));

    assertEquals(1, engine.cancelByDedupeKey("poll-by-key", "order-11", Instant.now()));

    assertEquals(JobState.CANCELLED, engine.state(id));
    assertEquals(JobState.AVAILABLE, engine.state(unrelated));
    assertTrue(engine.tryEnqueue(poll("poll-by-key", "order-11")).isPresent(), "the key is free again");
    assertEquals(0, engine.cancelByDedupeKey("poll-by-key-other", "order-11", Instant.now()), "keys are per subscription");
  }

  @Test
  void cancelByDedupeKeyLeavesEarlierDeadJobsWithThatKeyAlone() {
    long dead = engine.enqueue(poll("poll-dead-key", "order-13"));
    Instant now = Instant.now();
    ClaimedJob claimed = engine.claim("poll-dead-key", "node-a", now, LEASE).stream().filter(j -> j.id() == dead).findFirst().orElseThrow();
    engine.store.bury(claimed.ref(), new JobFailure(1, now, "node-a", "permanent"));
    long live = engine.enqueue(poll("poll-dead-key", "order-13"));

    assertEquals(1, engine.cancelByDedupeKey("poll-dead-key", "order-13", now));

    assertEquals(JobState.CANCELLED, engine.state(live));
    assertEquals(JobState.DEAD, engine.state(dead), "a dead letter stays for replay");
  }

  @Test
  void secondEnqueueWithTheSameDedupeKeyIsANoOpUntilTheFirstFinishes() {
    long first = engine.enqueue(poll("poll-unfinished", "order-21"));

    assertEquals(Optional.empty(), engine.tryEnqueue(poll("poll-unfinished", "order-21")), "while available");
    ClaimedJob running = engine.claim("poll-unfinished", "node-a", Instant.now(), LEASE).stream().filter(j -> j.id() == first).findFirst().orElseThrow();
    assertEquals(Optional.empty(), engine.tryEnqueue(poll("poll-unfinished", "order-21")), "while running");
    assertTrue(engine.tryEnqueue(EnqueueJob.of("poll-unfinished-other", "{}").dedupeKey("order-21")).isPresent(), "other subscriptions have their own keys");

    engine.store.complete(List.of(running.ref()), Instant.now());

    Optional<Long> again = engine.tryEnqueue(poll("poll-unfinished", "order-21"));
    assertTrue(again.isPresent(), "after the first finished");
    assertNotEquals(first, again.get());
  }

  @Test
  void aDeadJobNoLongerHoldsItsDedupeKey() {
    long first = engine.enqueue(poll("poll-dead-frees", "order-22"));
    Instant now = Instant.now();
    ClaimedJob running = engine.claim("poll-dead-frees", "node-a", now, LEASE).stream().filter(j -> j.id() == first).findFirst().orElseThrow();
    engine.store.bury(running.ref(), new JobFailure(1, now, "node-a", "boom"));

    assertTrue(engine.tryEnqueue(poll("poll-dead-frees", "order-22")).isPresent());
  }

  @Test
  void racingEnqueuesWithOneDedupeKeyCreateExactlyOneJob() throws Exception {
    int threads = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Long>>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return engine.tryEnqueue(poll("poll-race", "order-31"));
        }));
      }
      go.countDown();
      int created = 0;
      for (Future<Optional<Long>> result : results) {
        created += result.get(30, TimeUnit.SECONDS).isPresent() ? 1 : 0;
      }
      assertEquals(1, created);
    }
    assertEquals(1, engine.count("SELECT count(*) FROM job WHERE dedupe_key = 'order-31'"));
  }
}
