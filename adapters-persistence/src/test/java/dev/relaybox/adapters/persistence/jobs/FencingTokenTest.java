package dev.relaybox.adapters.persistence.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relaybox.adapters.persistence.assistance.JdbiAssistanceRequests;
import dev.relaybox.application.jobs.ClaimRequest;
import dev.relaybox.application.jobs.ClaimedJob;
import dev.relaybox.application.jobs.JobFailure;
import dev.relaybox.application.jobs.JobState;
import dev.relaybox.application.jobs.JobSummary;
import dev.relaybox.application.jobs.LeaseLostException;
import dev.relaybox.application.jobs.RetryPolicy;
import dev.relaybox.application.jobs.Subscription;
import dev.relaybox.application.jobs.port.out.EnqueueJob;
import dev.relaybox.domain.assistance.AssistanceRequest;
import dev.relaybox.domain.assistance.Description;
import dev.relaybox.domain.assistance.Topic;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A handler that lost its job, however it lost it, cannot write about a later attempt of that job: every write path
 * is fenced by the claim's token, and no way back to {@code available} ever hands out an old token again. Each cause
 * leaves the job running under a second claim (node-b) whose attempt number may well equal the stale one's: replay
 * resets the counter and give-back decrements it, which is why the counter could not fence.
 */
class FencingTokenTest {
  @RegisterExtension
  static final Engine engine = Engine.fresh();

  /** How the first owner (node-a) lost the job before node-b claimed it again. */
  enum Cause { CANCELLED, RESCUED, REPLAYED, TIMED_OUT, GIVEN_BACK }

  private record Lost(Cause cause, long id, ClaimedJob stale, ClaimedJob current, Instant now) {}

  @BeforeAll
  static void effectsTable() {
    engine.sql("CREATE TABLE effect (job_id bigint NOT NULL, token bigint NOT NULL)");
  }

  private static Lost lose(Cause cause, String path) {
    String name = path + "-" + cause.name().toLowerCase();
    int maxAttempts = cause == Cause.REPLAYED ? 1 : 5;
    engine.register(Subscription.forCommands(name).withRetry(new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), maxAttempts)));
    long id = engine.enqueue(EnqueueJob.of(name, "{}"));
    // One millisecond ahead: the enqueue stamped run_at with microseconds that truncation would cut off.
    Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    ClaimedJob stale = engine.claimOne(name, "node-a", t0, Duration.ofSeconds(1));
    Instant later = t0.plusSeconds(5);
    switch (cause) {
      case CANCELLED -> {
        assertTrue(engine.cancel(id, later));
        assertTrue(engine.admin.replay(id, later), "an operator runs the cancelled job again");
      }
      case RESCUED -> assertTrue(engine.store.maintain(later, t0.minus(Duration.ofDays(7)), 100).orElseThrow().rescued() >= 1);
      case REPLAYED -> {
        // Its only attempt expired, so rescue buried it; an operator replays it and attempts start again at 1.
        engine.store.maintain(later, t0.minus(Duration.ofDays(7)), 100).orElseThrow();
        assertEquals(JobState.DEAD, engine.state(id));
        assertTrue(engine.admin.replay(id, later));
      }
      // What the runner's timeout does: it records a retry while the handler's thread may still be running.
      case TIMED_OUT -> assertTrue(engine.store.retry(stale.ref(), later, new JobFailure(1, later, "node-a", "handler timed out")));
      case GIVEN_BACK -> engine.store.giveBack(List.of(stale.ref()));
    }
    Instant now = later.plusSeconds(1);
    ClaimedJob current = engine.claimOne(name, "node-b", now, Duration.ofSeconds(60));
    assertEquals(id, current.id());
    assertNotEquals(stale.leaseToken(), current.leaseToken(), cause.toString());
    if (cause == Cause.REPLAYED || cause == Cause.GIVEN_BACK) {
      assertEquals(stale.attempt(), current.attempt(), "the attempt number repeats, so only the token can fence");
    }
    return new Lost(cause, id, stale, current, now);
  }

  /** The stale write changed nothing: the job still runs under node-b's claim. */
  private static void assertUntouched(Lost lost) {
    JobSummary job = engine.detail(lost.id()).summary();
    assertEquals(JobState.RUNNING, job.state(), lost.cause().toString());
    assertEquals(lost.current().attempt(), job.attempts(), lost.cause().toString());
    assertEquals(Optional.of("node-b"), job.leaseOwner(), lost.cause().toString());
    assertEquals(Optional.of(lost.now().plusSeconds(60)), job.leaseUntil(), lost.cause().toString());
    assertEquals(lost.current().leaseToken(), token(lost.id()), lost.cause().toString());
  }

  private static long token(long id) {
    return engine.count("SELECT lease_token FROM job WHERE id = ?", id);
  }

  private static JobFailure late(Lost lost) {
    return new JobFailure(lost.stale().attempt(), lost.now(), "node-a", "late outcome of a lost attempt");
  }

  @Test
  void aStaleHandlerCannotCompleteALaterAttempt() {
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "complete");

      assertEquals(List.of(lost.stale().ref()), engine.store.complete(List.of(lost.stale().ref()), lost.now()), cause.toString());
      assertUntouched(lost);

      assertEquals(List.of(), engine.store.complete(List.of(lost.current().ref()), lost.now()));
      assertEquals(JobState.DONE, engine.state(lost.id()));
    }
  }

  @Test
  void aStaleHandlerCannotRetryALaterAttempt() {
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "retry");
      int historyBefore = engine.detail(lost.id()).history().size();

      assertFalse(engine.store.retry(lost.stale().ref(), lost.now(), late(lost)), cause.toString());
      assertUntouched(lost);
      assertEquals(historyBefore, engine.detail(lost.id()).history().size(), "a fenced-out retry records no history");
    }
  }

  @Test
  void aStaleHandlerCannotDeferALaterAttempt() {
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "defer");

      assertFalse(engine.store.defer(lost.stale().ref(), lost.now().plusSeconds(30)), cause.toString());
      assertUntouched(lost);
    }
  }

  @Test
  void aStaleHandlerCannotBuryALaterAttempt() {
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "bury");

      assertFalse(engine.store.bury(lost.stale().ref(), late(lost)), cause.toString());
      assertUntouched(lost);
    }
  }

  @Test
  void aStaleHeartbeatNeitherExtendsALaterAttemptNorPassesForIt() {
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "heartbeat");

      assertEquals(List.of(lost.stale().ref()),
          engine.store.extendLeases("node-a", List.of(lost.stale().ref()), lost.now().plusSeconds(600)), cause.toString());
      assertUntouched(lost);
      assertEquals(List.of(), engine.store.extendLeases("node-b", List.of(lost.current().ref()), lost.now().plusSeconds(60)),
          "the current owner's heartbeat still holds");
    }
  }

  @Test
  void aDeliveryReadsItsRequestOnlyWhileItStillHoldsItsJob() {
    var requests = new JdbiAssistanceRequests(engine.unitOfWork, engine.jdbi);
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "read");
      UUID requestId = UUID.randomUUID();
      engine.unitOfWork.inTransaction(() -> requests.add(AssistanceRequest.received(requestId, Topic.parse("sales"),
          new Description("help"), "{}", lost.now(), "corr")));

      assertThrows(LeaseLostException.class, () -> requests.findWhileHeld(requestId, lost.stale().ref()), cause.toString());
      assertEquals(Optional.of(requestId), requests.findWhileHeld(requestId, lost.current().ref()).map(AssistanceRequest::id));
      assertEquals(Optional.empty(), requests.findWhileHeld(UUID.randomUUID(), lost.current().ref()), "no such request");
      assertUntouched(lost);
    }
  }

  @Test
  void deliveriesReadingAtTheSameTimeAreEachAnsweredForTheirOwnLease() throws Exception {
    var requests = new JdbiAssistanceRequests(engine.unitOfWork, engine.jdbi);
    Lost lost = lose(Cause.values()[0], "together");
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      UUID id = UUID.randomUUID();
      ids.add(id);
      engine.unitOfWork.inTransaction(() -> requests.add(AssistanceRequest.received(id, Topic.parse("sales"),
          new Description("help " + id), "{}", lost.now(), "corr")));
    }
    try (var readers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (int round = 0; round < 20; round++) {
        List<java.util.concurrent.Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          UUID id = ids.get(i);
          int kind = i % 3;
          answers.add(readers.submit(() -> switch (kind) {
            case 0 -> requests.findWhileHeld(id, lost.current().ref()).map(r -> r.description().value()).orElse("none");
            case 1 -> {
              try {
                requests.findWhileHeld(id, lost.stale().ref());
                yield "read with a lost lease";
              } catch (LeaseLostException expected) {
                yield "lost";
              }
            }
            default -> requests.findWhileHeld(UUID.randomUUID(), lost.current().ref()).map(r -> "found").orElse("none");
          }));
        }
        for (int i = 0; i < ids.size(); i++) {
          String expected = switch (i % 3) {
            case 0 -> "help " + ids.get(i);
            case 1 -> "lost";
            default -> "none";
          };
          assertEquals(expected, answers.get(i).get(), "reader " + i + " of round " + round);
        }
      }
    }
    assertUntouched(lost);
  }

  @Test
  void aStaleHandlersOwnTransactionCannotMarkALaterAttemptDoneAndItsEffectRollsBack() {
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "markdone");

      assertThrows(LeaseLostException.class, () -> engine.unitOfWork.inTransaction(() -> {
        engine.unitOfWork.currentHandle("test").execute("INSERT INTO effect (job_id, token) VALUES (?, ?)",
            lost.id(), lost.stale().leaseToken());
        engine.jobs.markDone(lost.stale().ref());
      }), cause.toString());
      assertUntouched(lost);
      assertEquals(0, engine.count("SELECT count(*) FROM effect WHERE job_id = ?", lost.id()), "the stale effect rolled back");
      assertFalse(engine.jobs.stillHeld(lost.stale().ref()));
      assertTrue(engine.jobs.stillHeld(lost.current().ref()));

      engine.unitOfWork.inTransaction(() -> {
        engine.unitOfWork.currentHandle("test").execute("INSERT INTO effect (job_id, token) VALUES (?, ?)",
            lost.id(), lost.current().leaseToken());
        engine.jobs.markDone(lost.current().ref());
      });
      assertEquals(JobState.DONE, engine.state(lost.id()));
      assertEquals(List.of(lost.current().leaseToken()), engine.jdbi.withHandle(h -> h.createQuery(
          "SELECT token FROM effect WHERE job_id = :id").bind("id", lost.id()).mapTo(Long.class).list()));
    }
  }

  @Test
  void aStaleGiveBackCannotReturnALaterAttempt() {
    for (Cause cause : Cause.values()) {
      Lost lost = lose(cause, "giveback");

      engine.store.giveBack(List.of(lost.stale().ref()));
      assertUntouched(lost);
    }
  }

  @Test
  void tokensAreNeverHandedOutTwiceAcrossGiveBackReplayAndRescue() {
    engine.register(Subscription.forCommands("token-cycle").withRetry(new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 2)));
    long id = engine.enqueue(EnqueueJob.of("token-cycle", "{}"));
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS).plusMillis(1);
    List<Long> tokens = new ArrayList<>();

    ClaimedJob claim = engine.claimOne("token-cycle", "node-a", t, Duration.ofSeconds(1));
    tokens.add(claim.leaseToken());
    engine.store.giveBack(List.of(claim.ref()));
    assertEquals(1, engine.count("SELECT count(*) FROM job WHERE id = ? AND lease_token IS NULL", id), "give-back clears the token");
    claim = engine.claimOne("token-cycle", "node-b", t, Duration.ofSeconds(1));
    tokens.add(claim.leaseToken());
    t = t.plusSeconds(5);
    engine.store.maintain(t, t.minus(Duration.ofDays(7)), 100).orElseThrow(); // rescued
    claim = engine.claimOne("token-cycle", "node-c", t, Duration.ofSeconds(1));
    tokens.add(claim.leaseToken());
    t = t.plusSeconds(5);
    engine.store.maintain(t, t.minus(Duration.ofDays(7)), 100).orElseThrow(); // out of attempts: dead
    assertEquals(JobState.DEAD, engine.state(id));
    assertTrue(engine.admin.replay(id, t));
    claim = engine.claimOne("token-cycle", "node-a", t, Duration.ofSeconds(1));
    tokens.add(claim.leaseToken());
    assertTrue(engine.cancel(id, t));
    assertTrue(engine.admin.replay(id, t));
    claim = engine.claimOne("token-cycle", "node-a", t, Duration.ofSeconds(1));
    tokens.add(claim.leaseToken());

    assertEquals(tokens.size(), new HashSet<>(tokens).size(), "every claim took a new token: " + tokens);
    assertEquals(1, claim.attempt(), "while the attempt counter started again");
  }

  @Test
  void concurrentClaimsOnManyNodesNeverShareAToken() throws Exception {
    engine.register(Subscription.forCommands("token-race"));
    engine.enqueueMany("token-race", 400);
    int nodes = 6;
    CountDownLatch go = new CountDownLatch(1);
    Set<Long> givenBack = ConcurrentHashMap.newKeySet();
    List<Future<List<ClaimedJob>>> claims = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(nodes)) {
      for (int n = 0; n < nodes; n++) {
        String node = "node-" + n;
        claims.add(pool.submit(() -> {
          go.await();
          List<ClaimedJob> mine = new ArrayList<>();
          List<ClaimedJob> batch;
          do {
            Instant now = Instant.now().plusSeconds(1);
            batch = engine.store.claim(new ClaimRequest("token-race", false, 25, node, now, now.plusSeconds(60)));
            mine.addAll(batch);
            engine.store.giveBack(batch.stream().filter(j -> j.id() % 3 == 0 && givenBack.add(j.id())).map(ClaimedJob::ref).toList());
          } while (!batch.isEmpty());
          return mine;
        }));
      }
      go.countDown();
      Set<Long> tokens = new HashSet<>();
      int total = 0;
      for (Future<List<ClaimedJob>> claim : claims) {
        for (ClaimedJob job : claim.get(60, TimeUnit.SECONDS)) {
          total++;
          assertTrue(tokens.add(job.leaseToken()), "token " + job.leaseToken() + " handed out twice");
        }
      }
      assertTrue(total > 400, "given-back jobs were claimed again, under new tokens: " + total);
    }
  }
}
